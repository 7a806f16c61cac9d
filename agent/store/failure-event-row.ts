// How a FailureEvent maps onto a failure_events row (migrations/0002_failure_store.sql): common
// fields as columns, category fields in `details`. The postgres exporter writes with toRow, the API
// reads with fromRow; both sides share this file so the mapping cannot drift.
import { createFailureEvent, type FailureEvent } from '../core/model/failure-event.ts';

/** Insert order of the columns the agent writes (recorded_at is the database's). */
export const FAILURE_EVENT_COLUMNS = [
  'failure_id',
  'schema_version',
  'occurred_at',
  'category',
  'subtype',
  'severity',
  'provider',
  'model',
  'team',
  'route',
  'detection_method',
  'trace_id',
  'span_id',
  'member_spans',
  'secondary',
  'impact_scope',
  'evidence',
  'details',
  'agent_instance',
] as const;

export type FailureEventColumn = (typeof FAILURE_EVENT_COLUMNS)[number];

/** A row as node-postgres returns it: timestamptz as Date, jsonb parsed. */
export interface FailureEventRow {
  failure_id: string;
  schema_version: number;
  occurred_at: Date;
  category: string;
  subtype: string;
  severity: string;
  provider: string;
  model: string | null;
  team: string | null;
  route: string | null;
  detection_method: string;
  trace_id: string | null;
  span_id: string | null;
  member_spans: unknown;
  secondary: unknown;
  impact_scope: unknown;
  evidence: unknown;
  details: unknown;
  agent_instance: string | null;
  recorded_at?: Date;
}

const COMMON_KEYS = new Set<string>([
  'schema_version',
  'failure_id',
  'timestamp',
  'category',
  'subtype',
  'severity',
  'provider',
  'model',
  'detection_method',
  'evidence',
  'impact_scope',
  'trace_id',
  'span_id',
  'member_spans',
  'secondary',
]);

/**
 * Query parameters for one event, in FAILURE_EVENT_COLUMNS order. JSON columns are passed as JSON
 * text so node-postgres does not turn arrays into PostgreSQL arrays.
 */
export function failureEventToParams(event: FailureEvent, agentInstance: string | null): unknown[] {
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) if (!COMMON_KEYS.has(key)) details[key] = value;
  return [
    event.failure_id,
    event.schema_version,
    event.timestamp,
    event.category,
    event.subtype,
    event.severity,
    event.provider,
    event.model,
    event.impact_scope.team,
    event.impact_scope.route,
    event.detection_method,
    event.trace_id,
    event.span_id,
    JSON.stringify(event.member_spans),
    JSON.stringify(event.secondary),
    JSON.stringify(event.impact_scope),
    JSON.stringify(event.evidence),
    JSON.stringify(details),
    agentInstance,
  ];
}

/** The event a row holds; throws InvalidFailureEventError (naming the field) if the row is not one. */
export function rowToFailureEvent(row: FailureEventRow): FailureEvent {
  return createFailureEvent({
    schema_version: row.schema_version,
    failure_id: row.failure_id,
    timestamp: row.occurred_at.toISOString(),
    category: row.category,
    subtype: row.subtype,
    severity: row.severity,
    provider: row.provider,
    model: row.model,
    detection_method: row.detection_method,
    evidence: row.evidence,
    impact_scope: row.impact_scope,
    trace_id: row.trace_id,
    span_id: row.span_id,
    member_spans: row.member_spans,
    secondary: row.secondary,
    ...(row.details as Record<string, unknown>),
  });
}
