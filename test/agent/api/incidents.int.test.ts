// GET /api/v1/incidents and /api/v1/incidents/{id} on the API server over a real PostgreSQL
// schema, filled by the real incidents processor and the postgres exporter's write path.
import { beforeAll, describe, expect, it } from 'vitest';
import type { IncidentUpdate } from '../../../agent/core/model/incident.ts';
import { FAILURE_EVENT_COLUMNS, failureEventToParams } from '../../../agent/store/failure-event-row.ts';
import { withTestSchema } from '../../support/database.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { startIncidents } from '../../support/incidents-harness.ts';
import { writeIncidentUpdates } from '../../support/incident-writer.ts';
import { startApi } from './api-under-test.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('incident API', () => {
  const db = withTestSchema();
  let updates: IncidentUpdate[];
  const idOf = (category: string) => updates.find((u) => u.incident.category === category)!.incident.incident_id;

  beforeAll(async () => {
    const h = await startIncidents(
      { quiet_period_ms: 60_000 },
      { database: db.database, onUpdates: (u) => writeIncidentUpdates(db.database, u) },
    );
    const outage = [1, 2, 3].map((n) => failureEvent(n, { timestamp: at(n * 1_000), severity: 'P1' }));
    // Only the outage's events reach failure_events here; the members of the others have no row.
    for (const e of outage)
      await db.pool.query(
        `INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) VALUES (${FAILURE_EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
        failureEventToParams(e, null),
      );
    await h.feed(outage);
    await h.feed([failureEvent(10, { timestamp: at(5_000), category: 'cost', subtype: 'token_spike', severity: 'P3' })]);
    await h.advanceTo(T0 + 120_000); // both resolve
    await h.feed([failureEvent(20, { timestamp: at(200_000), category: 'security', subtype: 'prompt_injection', severity: 'P1' })]);
    updates = h.updates;
  });

  const get = async (url: string) => {
    const { status, body } = await (await startApi(db.database)).get(url);
    return { status, body };
  };

  it('lists incidents newest first', async () => {
    const { status, body } = await get('/api/v1/incidents');
    expect(status).toBe(200);
    expect(body.data.map((i: { category: string; state: string }) => [i.category, i.state])).toEqual([
      ['security', 'open'],
      ['cost', 'resolved'],
      ['provider', 'resolved'],
    ]);
    expect(body.next_cursor).toBeNull();
  });

  it('filters by state, category, severity and time', async () => {
    const cats = async (q: string) => (await get(`/api/v1/incidents?${q}`)).body.data.map((i: { category: string }) => i.category);
    expect(await cats('state=open')).toEqual(['security']);
    expect(await cats('state=resolved&severity=P1')).toEqual(['provider']);
    expect(await cats('category=cost')).toEqual(['cost']);
    expect(await cats(`since=${at(100_000)}`)).toEqual(['security']);
    expect(await cats(`until=${at(4_000)}`)).toEqual(['provider']);
  });

  it('pages with a cursor', async () => {
    const first = await get('/api/v1/incidents?limit=2');
    expect(first.body.data).toHaveLength(2);
    const second = await get(`/api/v1/incidents?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data.map((i: { category: string }) => i.category)).toEqual(['provider']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('answers 400 naming the bad parameter', async () => {
    expect(await get('/api/v1/incidents?severity=P9')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameter', parameter: 'severity' } },
    });
    expect(await get('/api/v1/incidents?since=yesterday')).toMatchObject({
      status: 400,
      body: { error: { parameter: 'since', message: expect.stringContaining('RFC 3339') } },
    });
    expect(await get('/api/v1/incidents?limit=0')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameter', parameter: 'limit' } },
    });
    expect(await get('/api/v1/incidents?state=closed')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameter', parameter: 'state' } },
    });
    expect(await get('/api/v1/incidents?colour=red')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameter', parameter: 'colour' } },
    });
    expect(await get('/api/v1/incidents?cursor=nonsense')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameter', parameter: 'cursor' } },
    });
    expect(await get('/api/v1/incidents?since=2026-11-22T09:00:00Z&until=2026-11-22T08:00:00Z')).toMatchObject({
      status: 400,
      body: { error: { parameter: 'until' } },
    });
    expect(await get(`/api/v1/incidents/${idOf('provider')}?member_limit=0`)).toMatchObject({
      status: 400,
      body: { error: { parameter: 'member_limit' } },
    });
    expect(await get('/api/v1/incidents/not-an-id')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_parameter', parameter: 'id' } },
    });
  });

  it('shows one incident with its transitions and member events', async () => {
    const { status, body } = await get(`/api/v1/incidents/${idOf('provider')}`);
    expect(status).toBe(200);
    expect(body.incident).toMatchObject({ incident_id: idOf('provider'), state: 'resolved', event_count: 3 });
    expect(body.transitions.map((t: { kind: string }) => t.kind)).toEqual(['opened', 'resolved']);
    expect(body.member_count).toBe(3);
    expect(body.members.map((m: { failure_id: string; event: { subtype: string } | null }) => m.event?.subtype)).toEqual([
      'outage',
      'outage',
      'outage',
    ]);
    const cost = await get(`/api/v1/incidents/${idOf('cost')}`);
    expect(cost.body.members).toEqual([{ failure_id: expect.any(String), occurred_at: at(5_000), event: null }]);
  });

  it('answers 404 for an unknown incident', async () => {
    expect(await get(`/api/v1/incidents/${'0'.repeat(32)}`)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });
});
