import { describe, expect, it } from 'vitest';
import { zeroCounts, type Counts } from '../../../processors/slo/counts.ts';
import { combinedCounts, createFleetCounts, REMEMBERED_MS } from '../../../processors/slo/fleet-counts.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-02T12:00:00Z');
const c = (total: number, bad: number): Counts => ({ ...zeroCounts(), total, bad });

describe('the other agents’ SLO counts the leader holds', () => {
  it('counts a whole-minute row once however often it is read, and a grown row by what it grew', () => {
    const f = createFleetCounts(28 * DAY);
    const minute = NOW - 120_000;
    f.apply('b', minute, c(10, 1), NOW, true);
    f.apply('b', minute, c(10, 1), NOW, false);
    f.apply('b', minute, c(15, 3), NOW, false);
    f.apply('c', minute, c(5, 0), NOW, false);
    expect(f.counts.sum(NOW, 3_600_000)).toMatchObject({ total: 20, bad: 3 });
  });

  it('takes every minute of the window on the first read, and drops a changed row older than it remembers afterwards', () => {
    const f = createFleetCounts(28 * DAY);
    const old = NOW - REMEMBERED_MS - 3_600_000;
    f.apply('b', old, c(100, 2), NOW, true);
    f.apply('b', old, c(120, 2), NOW, false);
    expect(f.counts.sum(NOW, 7 * DAY)).toMatchObject({ total: 100, bad: 2 });
  });

  it('forgets remembered minutes once they are older than it remembers, without changing the sums', () => {
    const f = createFleetCounts(28 * DAY);
    f.apply('b', NOW - 60_000, c(4, 1), NOW, false);
    f.prune(NOW + REMEMBERED_MS);
    // A re-read of a forgotten minute is dropped, not counted again.
    f.apply('b', NOW - 60_000, c(4, 1), NOW + REMEMBERED_MS, false);
    expect(f.counts.sum(NOW, DAY)).toMatchObject({ total: 4, bad: 1 });
  });

  it('reads the leader’s own counts and the others’ as one', () => {
    const own = createFleetCounts(28 * DAY);
    const others = createFleetCounts(28 * DAY);
    own.apply('a', NOW - 60_000, c(3, 1), NOW, true);
    others.apply('b', NOW - 7_200_000, c(7, 2), NOW, true);
    const both = combinedCounts(own.counts, others.counts);
    expect(both.sums(NOW, [3_600_000, 3 * 3_600_000])).toEqual([
      expect.objectContaining({ total: 3, bad: 1 }),
      expect.objectContaining({ total: 10, bad: 3 }),
    ]);
    expect(both.firstMs()).toBe(NOW - 7_200_000);
  });
});
