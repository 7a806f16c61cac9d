import { beforeAll, describe, expect, it } from 'vitest';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { withTestSchema } from '../../support/database.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { insertEvents, startApi } from './api-under-test.ts';

const db = withTestSchema();

// 25 events, three at a time sharing one occurred_at, so pages must break ties on failure_id; and
// two pairs that differ only below a millisecond, which a millisecond cursor would skip or repeat.
const base = Date.UTC(2026, 10, 22, 10, 0, 0);
const events: FailureEvent[] = Array.from({ length: 25 }, (_, i) =>
  failureEvent(100 + i, { timestamp: new Date(base + Math.floor(i / 3) * 1000).toISOString() }),
);
const subMillisecond: FailureEvent[] = [
  failureEvent(200, { timestamp: '2026-11-22T11:00:00.000100Z' }),
  failureEvent(201, { timestamp: '2026-11-22T11:00:00.000900Z' }),
  failureEvent(202, { timestamp: '2026-11-22T11:00:00.000400Z', category: 'data' }),
];

beforeAll(async () => {
  await insertEvents(db.database, [...events, ...subMillisecond]);
});

async function walk(query: string, limit: number): Promise<{ ids: string[]; pages: number[] }> {
  const api = await startApi(db.database);
  const ids: string[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.get(`/api/v1/failures?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((e: FailureEvent) => e.failure_id));
    pages.push(res.body.data.length);
    cursor = res.body.next_cursor;
  } while (cursor !== null && pages.length < 20);
  return { ids, pages };
}

const newestFirst = (list: FailureEvent[]) =>
  [...list].sort((a, b) => b.timestamp.localeCompare(a.timestamp) || b.failure_id.localeCompare(a.failure_id)).map((e) => e.failure_id);

describe('cursor pagination of /api/v1/failures', () => {
  it('walks 25 events in pages of 10 with no duplicates or gaps, across ties on occurred_at', async () => {
    const { ids, pages } = await walk(`&to=2026-11-22T11:00:00Z`, 10);
    expect(pages).toEqual([10, 10, 5]);
    expect(ids).toEqual(newestFirst(events));
    expect(new Set(ids).size).toBe(25);
  });

  it('gives next_cursor null on a last page that is exactly full', async () => {
    const { pages } = await walk(`&to=2026-11-22T11:00:00Z`, 5);
    expect(pages).toEqual([5, 5, 5, 5, 5]);
  });

  it('keeps events apart that differ by microseconds', async () => {
    const { ids, pages } = await walk(`&from=2026-11-22T11:00:00Z`, 1);
    expect(pages).toEqual([1, 1, 1]);
    // Stored order by microsecond: .000900, .000400, .000100.
    expect(ids).toEqual([subMillisecond[1], subMillisecond[2], subMillisecond[0]].map((e) => e.failure_id));
  });

  it('applies the filters on every page', async () => {
    const { ids } = await walk(`&category=data`, 1);
    expect(ids).toEqual([subMillisecond[2].failure_id]);
  });
});
