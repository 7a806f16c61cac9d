// How a PredictedFailure maps onto a `failure_predictions` row (migrations 0002 and 0006): the
// score is `probability`, the indicators `features`, the failure type `subtype` of category
// provider. Shared by the writer, the predictor (restores pending predictions on start) and the API.
import { PredictedFailure } from '../core/model/prediction.ts';

export const PREDICTION_COLUMNS = [
  'prediction_id',
  'predicted_at',
  'category',
  'subtype',
  'provider',
  'model',
  'deployment',
  'horizon_seconds',
  'probability',
  'active',
  'expected_at',
  'features',
  'recommended_action',
  'status',
  'outcome_failure_id',
  'lead_seconds',
  'resolved_at',
  'updated_at',
] as const;

/** Query parameters in PREDICTION_COLUMNS order. */
export function predictionToParams(p: PredictedFailure): unknown[] {
  return [
    p.prediction_id,
    p.predicted_at,
    'provider',
    p.failure_type,
    p.provider,
    p.model,
    p.deployment,
    p.horizon_secs,
    p.score,
    p.active,
    p.expected_at,
    JSON.stringify(p.indicators),
    p.recommended_action,
    p.status,
    p.outcome_failure_id,
    p.lead_secs,
    p.resolved_at,
    p.updated_at,
  ];
}

const iso = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : v === null || v === undefined ? null : String(v));

/** The prediction a row holds (node-postgres types: Date for timestamptz, parsed jsonb). */
export function rowToPrediction(row: Record<string, unknown>): PredictedFailure {
  return PredictedFailure.parse({
    prediction_id: row.prediction_id,
    provider: row.provider,
    model: row.model ?? null,
    deployment: row.deployment ?? null,
    failure_type: row.subtype,
    score: Number(row.probability),
    active: row.active,
    predicted_at: iso(row.predicted_at),
    expected_at: iso(row.expected_at),
    horizon_secs: Number(row.horizon_seconds),
    indicators: row.features ?? {},
    recommended_action: row.recommended_action,
    status: row.status,
    outcome_failure_id: row.outcome_failure_id ?? null,
    lead_secs: row.lead_seconds === null || row.lead_seconds === undefined ? null : Number(row.lead_seconds),
    resolved_at: iso(row.resolved_at),
    updated_at: iso(row.updated_at),
  });
}
