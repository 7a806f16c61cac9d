// Reads of failure_predictions for the API: predictions newest first (filtered, keyset-paged) and
// their accuracy per failure type, computed from the statuses the predictor recorded.
import type { Database } from '../core/database.ts';
import type { PredictedFailure, PredictionState } from '../core/model/prediction.ts';
import { PREDICTION_COLUMNS, rowToPrediction } from './prediction-row.ts';

export interface PredictionFilter {
  state?: PredictionState;
  provider?: string;
  failure_type?: string;
  take: number;
  after?: { predictedAt: string; predictionId: string };
}

export async function listPredictions(db: Database, filter: PredictionFilter): Promise<PredictedFailure[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.state) add((p) => `status = ${p}`, filter.state);
  if (filter.provider) add((p) => `provider = ${p}`, filter.provider);
  if (filter.failure_type) add((p) => `subtype = ${p}`, filter.failure_type);
  if (filter.after) {
    params.push(filter.after.predictedAt, filter.after.predictionId);
    where.push(`(predicted_at, prediction_id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(filter.take);
  const sql = `SELECT ${PREDICTION_COLUMNS.join(', ')} FROM failure_predictions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY predicted_at DESC, prediction_id DESC LIMIT $${params.length}`;
  const { rows } = await db.pool.query(sql, params);
  return rows.map(rowToPrediction);
}

export interface PredictionAccuracy {
  failure_type: string;
  confirmed: number;
  expired: number;
  missed: number;
  pending: number;
  precision: number | null;
  recall: number | null;
  median_lead_secs: number | null;
}

export async function predictionAccuracy(db: Database, filter: { provider?: string; since?: string }): Promise<PredictionAccuracy[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.provider) {
    params.push(filter.provider);
    where.push(`provider = $${params.length}`);
  }
  if (filter.since) {
    params.push(filter.since);
    where.push(`predicted_at >= $${params.length}`);
  }
  const { rows } = await db.pool.query(
    `SELECT subtype,
            count(*) FILTER (WHERE status = 'confirmed') AS confirmed,
            count(*) FILTER (WHERE status = 'expired') AS expired,
            count(*) FILTER (WHERE status = 'missed') AS missed,
            count(*) FILTER (WHERE status = 'pending') AS pending,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY lead_seconds) FILTER (WHERE status = 'confirmed') AS median_lead
       FROM failure_predictions${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      GROUP BY subtype ORDER BY subtype`,
    params,
  );
  return rows.map((r) => {
    const confirmed = Number(r.confirmed);
    const expired = Number(r.expired);
    const missed = Number(r.missed);
    return {
      failure_type: r.subtype,
      confirmed,
      expired,
      missed,
      pending: Number(r.pending),
      precision: confirmed + expired > 0 ? confirmed / (confirmed + expired) : null,
      recall: confirmed + missed > 0 ? confirmed / (confirmed + missed) : null,
      median_lead_secs: r.median_lead === null ? null : Number(r.median_lead),
    };
  });
}
