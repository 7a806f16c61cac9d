// The `events` lane: failure events inserted once (ON CONFLICT (failure_id, occurred_at) DO NOTHING: the
// table is partitioned by day of occurred_at, which is part of the event), so a batch
// delivered twice (spilled after a timeout, replayed after a crash) changes nothing the second time.
import type { FailureEvent } from '../../core/model/failure-event.ts';
import { FAILURE_EVENT_COLUMNS, failureEventToParams, type FailureEventColumn } from '../failure-event-row.ts';
import type { LaneWriter } from './lane-writer.ts';

// Events go in as one array per column (INSERT … SELECT FROM unnest): 19 parameters whatever the
// batch size, and measured at least as fast as a multi-row VALUES list (npm run bench
// postgres-export). jsonb travels as text and is cast. The statement is unnamed: a named one is
// prepared per server connection, which PgBouncer in transaction mode (before 1.21) swaps under
// the client, and one parse per batch costs nothing beside its rows.
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
  text:
    `INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) ` +
    `SELECT ${FAILURE_EVENT_COLUMNS.map((c) => (EVENT_TYPES[c] === 'jsonb' ? `${c}::jsonb` : c)).join(', ')} ` +
    `FROM unnest(${FAILURE_EVENT_COLUMNS.map((c, i) => `$${i + 1}::${EVENT_TYPES[c] === 'jsonb' ? 'text' : EVENT_TYPES[c]}[]`).join(', ')}) ` +
    `AS r(${FAILURE_EVENT_COLUMNS.join(', ')}) ON CONFLICT (failure_id, occurred_at) DO NOTHING`,
};

export const failureEventsWriter: LaneWriter<FailureEvent> = {
  recordType: 'failure_event',
  async write(client, events, options) {
    for (let start = 0; start < events.length; start += options.maxRowsPerStatement) {
      const rows = events.slice(start, start + options.maxRowsPerStatement).map((e) => failureEventToParams(e, options.agentInstance));
      const columns = FAILURE_EVENT_COLUMNS.map((_, c) => rows.map((r) => r[c]));
      await client.query({ ...INSERT_EVENTS, values: columns });
    }
  },
};
