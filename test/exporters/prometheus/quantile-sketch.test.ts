import { describe, expect, it } from 'vitest';
import { createQuantileSketch } from '../../../exporters/prometheus/quantile-sketch.ts';
import { createSlidingQuantiles } from '../../../exporters/prometheus/sliding-quantiles.ts';

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nearestRank = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];

describe('quantile sketch', () => {
  it('returns every quantile within 1% of the exact nearest-rank value on a heavy-tailed latency sample', () => {
    const next = random(7);
    const values = Array.from({ length: 20_000 }, () => Math.exp(next() * 8 - 4)); // 18 ms … 55 s
    const sketch = createQuantileSketch(0.01);
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = nearestRank(sorted, q);
      expect(Math.abs(sketch.quantile(q) - exact) / exact, `q=${q}`).toBeLessThanOrEqual(0.01);
    }
    expect(sketch.count()).toBe(20_000);
  });

  it('answers NaN when empty and 0 for values at or below zero', () => {
    const sketch = createQuantileSketch();
    expect(sketch.quantile(0.5)).toBeNaN();
    sketch.add(0);
    sketch.add(0);
    sketch.add(5);
    expect(sketch.quantile(0.5)).toBe(0);
    expect(sketch.quantile(1)).toBeCloseTo(5, 1);
  });

  it('stays within its bin budget by folding the lowest buckets, keeping the tail accurate', () => {
    const sketch = createQuantileSketch(0.01, 64);
    const values = Array.from({ length: 1000 }, (_, i) => 1e-6 * 1.05 ** i); // spans 21 decades
    for (const v of values) sketch.add(v);
    expect(sketch.bins.size).toBeLessThanOrEqual(64);
    expect(Math.abs(sketch.quantile(0.99) - nearestRank(values, 0.99)) / nearestRank(values, 0.99)).toBeLessThanOrEqual(0.01);
  });

  it('merges to the same answers as adding everything to one sketch', () => {
    const next = random(3);
    const a = createQuantileSketch();
    const b = createQuantileSketch();
    const all = createQuantileSketch();
    for (let i = 0; i < 2000; i++) {
      const v = next() * 10;
      (i % 2 ? a : b).add(v);
      all.add(v);
    }
    a.merge(b);
    for (const q of [0.5, 0.95, 0.99]) expect(a.quantile(q)).toBe(all.quantile(q));
  });
});

describe('sliding quantiles over event time', () => {
  it('forgets observations once the latest event time has moved a window past them, but keeps them in count and sum', () => {
    const w = createSlidingQuantiles({ windowMs: 60_000, slices: 6, relativeAccuracy: 0.01 });
    w.observe('openai', 0, 30); // slow, at t=0
    w.observe('openai', 1_000, 1);
    expect(w.snapshot([1])[0].values[0]).toBeCloseTo(30, 0);
    w.observe('openai', 65_000, 2); // the window now starts after t=0's slice
    const [s] = w.snapshot([0.5, 1]);
    expect(s.values[1]).toBeCloseTo(2, 1);
    expect(s.count).toBe(3);
    expect(s.sum).toBe(33);
  });

  it('uses the latest event time across keys, so a provider that went quiet ages out', () => {
    const w = createSlidingQuantiles({ windowMs: 60_000, slices: 6, relativeAccuracy: 0.01 });
    w.observe('anthropic', 0, 1);
    w.observe('openai', 120_000, 1);
    expect(w.snapshot([0.5]).map((s) => s.key)).toEqual(['openai']);
  });

  it('counts a call older than the window in count and sum only', () => {
    const w = createSlidingQuantiles({ windowMs: 60_000, slices: 6, relativeAccuracy: 0.01 });
    w.observe('openai', 100_000, 1);
    w.observe('openai', 0, 50);
    const [s] = w.snapshot([1]);
    expect(s.values[0]).toBeCloseTo(1, 1);
    expect(s.count).toBe(2);
  });
});
