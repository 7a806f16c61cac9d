import { describe, expect, it } from 'vitest';
import {
  FAILURE_EVENT_COLUMNS,
  failureEventToParams,
  rowToFailureEvent,
  type FailureEventRow,
} from '../../../agent/store/failure-event-row.ts';
import { withTestSchema } from '../../support/database.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';

describe('failure_events row mapping', () => {
  const db = withTestSchema();
  const insert = `INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) VALUES (${FAILURE_EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;

  it('reads back every category of event exactly as it was written', async () => {
    const events = (['provider', 'quality', 'cost', 'security', 'data'] as const).map((category, i) =>
      failureEvent(i + 1, { category, secondary: [{ category: 'data', subtype: 'stale_index', detection_method: 'document_age' }] }),
    );
    for (const e of events) await db.pool.query(insert, failureEventToParams(e, 'agent-1'));
    const { rows } = await db.pool.query<FailureEventRow>('SELECT * FROM failure_events ORDER BY occurred_at');
    expect(rows.map(rowToFailureEvent)).toEqual(events);
  });

  it('keeps team and route from the impact scope as filterable columns, and category fields out of the common columns', async () => {
    const e = failureEvent(10, { category: 'cost' });
    await db.pool.query(insert, failureEventToParams(e, null));
    const { rows } = await db.pool.query('SELECT team, route, details FROM failure_events WHERE failure_id = $1', [e.failure_id]);
    expect(rows[0]).toEqual({
      team: 'search',
      route: '/v1/chat/completions',
      details: { input_tokens: 12000, output_tokens: 800, total_tokens: 12800, cost_usd: 0.42, budget_usd: null, overage_usd: null },
    });
  });

  it('refuses a row that is not a valid event, naming the field', async () => {
    const e = failureEvent(11);
    await db.pool.query(insert, failureEventToParams(e, null));
    await db.pool.query(`UPDATE failure_events SET details = details || '{"http_status": 200}' WHERE failure_id = $1`, [e.failure_id]);
    const { rows } = await db.pool.query<FailureEventRow>('SELECT * FROM failure_events WHERE failure_id = $1', [e.failure_id]);
    expect(() => rowToFailureEvent(rows[0])).toThrow(/http_status/);
  });
});
