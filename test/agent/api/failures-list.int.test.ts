import { beforeAll, describe, expect, it } from 'vitest';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { withTestSchema } from '../../support/database.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { insertEvents, startApi } from './api-under-test.ts';

const db = withTestSchema();

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 9, minute, 0)).toISOString();

// A small, varied store: each filter below selects a known subset.
const events: FailureEvent[] = [
  failureEvent(1, { timestamp: at(0), severity: 'P1' }),
  failureEvent(2, { timestamp: at(1), provider: 'anthropic', model: 'claude-sonnet-4-5' }),
  failureEvent(3, { timestamp: at(2), subtype: 'rate_limited', http_status: 429 }),
  failureEvent(4, { timestamp: at(3), category: 'security', severity: 'P1' }),
  failureEvent(5, {
    timestamp: at(4),
    category: 'quality',
    severity: 'P3',
    impact_scope: { requests: 1, users: 1, teams: 1, team: 'checkout', route: '/v1/chat/completions', recovered: false },
  }),
  failureEvent(6, { timestamp: at(5), category: 'cost', severity: 'P4', model: 'gpt-4o-mini' }),
];
const idOf = (n: number) => events[n - 1].failure_id;

beforeAll(async () => {
  await insertEvents(db.database, events);
});

async function listIds(query: string): Promise<string[]> {
  const api = await startApi(db.database);
  const res = await api.get(`/api/v1/failures${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.map((e: FailureEvent) => e.failure_id);
}

describe('GET /api/v1/failures', () => {
  it('returns every stored event, newest first, as valid FailureEvents', async () => {
    const api = await startApi(db.database);
    const res = await api.get('/api/v1/failures');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.body.data).toEqual([...events].reverse());
    expect(res.body.next_cursor).toBeNull();
  });

  it('filters by time range: from inclusive, to exclusive', async () => {
    expect(await listIds(`?from=${at(1)}&to=${at(4)}`)).toEqual([idOf(4), idOf(3), idOf(2)]);
    expect(await listIds(`?from=${encodeURIComponent('2026-11-22T10:04:00+01:00')}`)).toEqual([idOf(6), idOf(5)]);
  });

  it('filters by category', async () => {
    expect(await listIds('?category=security')).toEqual([idOf(4)]);
  });

  it('filters by subtype', async () => {
    expect(await listIds('?subtype=rate_limited')).toEqual([idOf(3)]);
    expect(await listIds('?category=provider&subtype=outage')).toEqual([idOf(2), idOf(1)]);
  });

  it('filters by severity', async () => {
    expect(await listIds('?severity=P1')).toEqual([idOf(4), idOf(1)]);
  });

  it('filters by provider', async () => {
    expect(await listIds('?provider=anthropic')).toEqual([idOf(2)]);
  });

  it('filters by model', async () => {
    expect(await listIds('?model=gpt-4o-mini')).toEqual([idOf(6)]);
  });

  it('filters by team', async () => {
    expect(await listIds('?team=checkout')).toEqual([idOf(5)]);
  });

  it('combines filters with AND', async () => {
    expect(await listIds('?severity=P1&category=provider')).toEqual([idOf(1)]);
    expect(await listIds('?severity=P1&provider=anthropic')).toEqual([]);
  });

  it('uses the configured default page size when no limit is given', async () => {
    const api = await startApi(db.database, { pageSizes: { default: 4, max: 10 } });
    const res = await api.get('/api/v1/failures');
    expect(res.body.data).toHaveLength(4);
    expect(res.body.next_cursor).toEqual(expect.any(String));
  });
});
