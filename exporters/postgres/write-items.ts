// One transaction per batch: failure events inserted once (ON CONFLICT (failure_id) DO NOTHING),
// incidents upserted keeping the highest revision, transitions and members inserted once. Every
// write is idempotent, so a batch delivered twice (spilled after a timeout, replayed after a
// crash) changes nothing the second time.
import type pg from 'pg';
import { FAILURE_EVENT_COLUMNS, failureEventToParams, type FailureEventColumn } from '../../agent/store/failure-event-row.ts';
import { INCIDENT_COLUMNS, incidentToParams } from '../../agent/store/incident-row.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import type { ExportItem } from './export-item.ts';

export interface WriteOptions {
  agentInstance: string | null;
  maxRowsPerStatement: number;
  /** Server-side cap per statement, so a stuck write ends as a retryable error. */
  statementTimeoutMs: number;
}

// Events go in as one array per column (INSERT … SELECT FROM unnest): 19 parameters whatever the
// batch size, one prepared statement per connection, and measured at least as fast as a
// multi-row VALUES list (npm run bench postgres-export). jsonb travels as text and is cast.
const EVENT_TYPES: Record<FailureEventColumn, string> = {
  failure_id: 'text',
  schema_version: 'int2',
  occurred_at: 'timestamptz',
  category: 'text',
  subtype: 'text',
  severity: 'text',
  provider: 'text',
  model: 'text',
  team: 'text',
  route: 'text',
  detection_method: 'text',
  trace_id: 'text',
  span_id: 'text',
  member_spans: 'jsonb',
  secondary: 'jsonb',
  impact_scope: 'jsonb',
  evidence: 'jsonb',
  details: 'jsonb',
  agent_instance: 'text',
};
const INSERT_EVENTS = {
  name: 'faultline_insert_failure_events_v1',
  text:
    `INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) ` +
    `SELECT ${FAILURE_EVENT_COLUMNS.map((c) => (EVENT_TYPES[c] === 'jsonb' ? `${c}::jsonb` : c)).join(', ')} ` +
    `FROM unnest(${FAILURE_EVENT_COLUMNS.map((c, i) => `$${i + 1}::${EVENT_TYPES[c] === 'jsonb' ? 'text' : EVENT_TYPES[c]}[]`).join(', ')}) ` +
    `AS r(${FAILURE_EVENT_COLUMNS.join(', ')}) ON CONFLICT (failure_id) DO NOTHING`,
};

const INCIDENT_UPDATE_SET = INCIDENT_COLUMNS.filter((c) => c !== 'incident_id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .concat('updated_at = now()')
  .join(', ');

export async function writeItems(pool: pg.Pool, items: readonly ExportItem[], options: WriteOptions): Promise<void> {
  const events: FailureEvent[] = [];
  const updates: IncidentUpdate[] = [];
  for (const item of items) (item.kind === 'event' ? events : updates).push(item.value as never);

  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(options.statementTimeoutMs)}`);
    await insertEvents(client, events, options);
    if (updates.length > 0) await writeIncidentUpdates(client, updates, options.maxRowsPerStatement);
    await client.query('COMMIT');
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      broken = rollbackErr as Error; // the connection is gone; do not return it to the pool
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

async function insertEvents(client: pg.PoolClient, events: FailureEvent[], options: WriteOptions): Promise<void> {
  for (let start = 0; start < events.length; start += options.maxRowsPerStatement) {
    const rows = events.slice(start, start + options.maxRowsPerStatement).map((e) => failureEventToParams(e, options.agentInstance));
    const columns = FAILURE_EVENT_COLUMNS.map((_, c) => rows.map((r) => r[c]));
    await client.query({ ...INSERT_EVENTS, values: columns });
  }
}

async function writeIncidentUpdates(client: pg.PoolClient, updates: IncidentUpdate[], maxRows: number): Promise<void> {
  // One row per incident in a statement (ON CONFLICT DO UPDATE may touch a row once), the highest
  // revision of it; resolved ones first, so an incident that replaces a resolved one with the same
  // fingerprint never meets it still open (one open incident per fingerprint).
  const latest = new Map<string, IncidentUpdate['incident']>();
  for (const u of updates) {
    const seen = latest.get(u.incident.incident_id);
    if (!seen || seen.revision < u.incident.revision) latest.set(u.incident.incident_id, u.incident);
  }
  const incidents = [...latest.values()].sort((a, b) => (a.state === b.state ? 0 : a.state === 'resolved' ? -1 : 1));
  await insertRows(
    client,
    'incidents',
    INCIDENT_COLUMNS,
    incidents.map(incidentToParams),
    `ON CONFLICT (incident_id) DO UPDATE SET ${INCIDENT_UPDATE_SET} WHERE incidents.revision < EXCLUDED.revision`,
    maxRows,
  );
  await insertRows(
    client,
    'incident_transitions',
    ['transition_id', 'incident_id', 'kind', 'severity', 'at', 'detail'],
    updates.map((u) => [
      u.transition.transition_id,
      u.incident.incident_id,
      u.transition.kind,
      u.transition.severity,
      u.transition.at,
      JSON.stringify(u.transition.detail),
    ]),
    'ON CONFLICT (transition_id) DO NOTHING',
    maxRows,
  );
  await insertRows(
    client,
    'incident_events',
    ['incident_id', 'failure_id', 'occurred_at'],
    updates.flatMap((u) => u.new_members.map((m) => [u.incident.incident_id, m.failure_id, m.occurred_at])),
    'ON CONFLICT (incident_id, failure_id) DO NOTHING',
    maxRows,
  );
}

/** Multi-row INSERT … VALUES ($1,…),(…) in chunks of maxRows; always parameterized. */
async function insertRows(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: unknown[][],
  conflict: string,
  maxRows: number,
): Promise<void> {
  const width = columns.length;
  for (let start = 0; start < rows.length; start += maxRows) {
    const chunk = rows.slice(start, start + maxRows);
    const params: unknown[] = new Array(chunk.length * width);
    const tuples: string[] = new Array(chunk.length);
    for (let r = 0; r < chunk.length; r++) {
      const slots: string[] = new Array(width);
      for (let c = 0; c < width; c++) {
        params[r * width + c] = chunk[r][c];
        slots[c] = `$${r * width + c + 1}`;
      }
      tuples[r] = `(${slots.join(',')})`;
    }
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(',')} ${conflict}`, params);
  }
}
