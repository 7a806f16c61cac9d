// How an Incident maps onto an `incidents` row (migrations/0002_failure_store.sql): one column per
// field, timestamps as timestamptz, scope and evidence sample as jsonb. Shared by the postgres
// exporter (writes), the incidents processor (restores open incidents on start) and the API.
import { Incident } from '../core/model/incident.ts';

export const INCIDENT_COLUMNS = [
  'incident_id',
  'fingerprint',
  'state',
  'category',
  'subtype',
  'severity',
  'initial_severity',
  'provider',
  'model',
  'scope',
  'title',
  'runbook_url',
  'event_count',
  'affected_requests',
  'affected_users',
  'affected_teams',
  'evidence_sample',
  'first_seen_at',
  'last_seen_at',
  'opened_at',
  'escalated_at',
  'resolved_at',
  'revision',
  'cluster_id',
  'caused_by',
  'inhibited',
  'symptoms',
] as const satisfies readonly (keyof Incident)[];

const JSON_COLUMNS = new Set<string>(['scope', 'evidence_sample', 'symptoms']);
const TIME_COLUMNS = new Set<string>(['first_seen_at', 'last_seen_at', 'opened_at', 'escalated_at', 'resolved_at']);

/** Query parameters in INCIDENT_COLUMNS order (JSON columns as JSON text). */
export function incidentToParams(incident: Incident): unknown[] {
  return INCIDENT_COLUMNS.map((c) => (JSON_COLUMNS.has(c) ? JSON.stringify(incident[c]) : incident[c]));
}

/** The incident a row holds (node-postgres types: Date for timestamptz, string for bigint). */
export function rowToIncident(row: Record<string, unknown>): Incident {
  const value: Record<string, unknown> = {};
  for (const c of INCIDENT_COLUMNS) {
    const v = row[c];
    if (TIME_COLUMNS.has(c)) value[c] = v instanceof Date ? v.toISOString() : v;
    else if (typeof v === 'string' && (c === 'event_count' || c.startsWith('affected_') || c === 'revision')) value[c] = Number(v);
    else value[c] = v;
  }
  return Incident.parse(value);
}
