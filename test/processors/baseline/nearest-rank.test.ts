import { describe, expect, it } from 'vitest';
import { rankOf, selectQuantiles, selectRank } from '../../../processors/baseline/nearest-rank.ts';
import { seeded } from './traffic.ts';

const sortedRank = (values: number[], q: number) => [...values].sort((a, b) => a - b)[rankOf(q, values.length)];

describe('nearest-rank selection', () => {
  it('puts at rank ⌈q·n⌉ − 1, counted from 0', () => {
    expect(rankOf(0.95, 20)).toBe(18);
    expect(rankOf(0.95, 1)).toBe(0);
    expect(rankOf(0.5, 181)).toBe(90);
    expect(rankOf(0, 5)).toBe(0);
  });

  it('selects what a sort would put at the rank, for any size, order and duplicates', () => {
    const r = seeded(7);
    const shapes: ((n: number) => number[])[] = [
      (n) => Array.from({ length: n }, () => 2_000 * Math.exp(0.8 * r.normal())),
      (n) => Array.from({ length: n }, (_, i) => i),
      (n) => Array.from({ length: n }, (_, i) => n - i),
      (n) => Array.from({ length: n }, () => Math.floor(r.next() * 4)),
      (n) => Array.from({ length: n }, () => 300),
    ];
    for (const shape of shapes)
      for (const n of [1, 2, 3, 7, 20, 180, 512]) {
        const values = shape(n);
        for (const q of [0, 0.5, 0.95, 0.99, 1]) {
          const a = Float64Array.from(values);
          expect(selectRank(a, 0, n, rankOf(q, n))).toBe(sortedRank(values, q));
        }
      }
  });

  it('selects a higher rank among the values above one already selected', () => {
    const r = seeded(3);
    for (let round = 0; round < 50; round++) {
      const values = Array.from({ length: 181 }, () => Math.round(r.next() * 1_000));
      const a = Float64Array.from(values);
      const k50 = rankOf(0.5, values.length);
      const k95 = rankOf(0.95, values.length);
      const k99 = rankOf(0.99, values.length);
      expect(selectRank(a, 0, a.length, k50)).toBe(sortedRank(values, 0.5));
      expect(selectRank(a, k50 + 1, a.length, k95)).toBe(sortedRank(values, 0.95));
      expect(selectRank(a, k95 + 1, a.length, k99)).toBe(sortedRank(values, 0.99));
    }
  });

  it('reads several quantiles at once from bucketed counts, as a sort would, whatever the spread of the values', () => {
    const r = seeded(5);
    const qs = [0, 0.5, 0.9, 0.95, 0.99, 1];
    const shapes: ((n: number) => number[])[] = [
      (n) => Array.from({ length: n }, () => 2_000 * Math.exp(0.5 * r.normal())),
      // Heavy tail over many doublings, and values so close they share a bucket.
      (n) => Array.from({ length: n }, () => Math.exp(6 * r.normal())),
      (n) => Array.from({ length: n }, () => 1_000 + r.next()),
      (n) => Array.from({ length: n }, () => 300),
      (n) => Array.from({ length: n }, () => (r.next() < 0.5 ? 0 : 1e30)),
    ];
    const out = new Float64Array(qs.length);
    for (const shape of shapes)
      for (const n of [1, 2, 5, 20, 180, 512]) {
        // As float32, as the window holds them; the array is longer than the n values read.
        const values = new Float32Array(n + 7);
        values.set(shape(n));
        const sorted = [...values.subarray(0, n)].sort((a, b) => a - b);
        selectQuantiles(values, n, qs, out);
        expect([...out]).toEqual(qs.map((q) => sorted[rankOf(q, n)]));
      }
  });

  it('reads NaN for every quantile of no values', () => {
    const out = new Float64Array(2);
    selectQuantiles(new Float32Array(4), 0, [0.5, 0.95], out);
    expect([...out]).toEqual([NaN, NaN]);
  });
});
