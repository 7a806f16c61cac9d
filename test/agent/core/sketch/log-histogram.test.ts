import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLogHistogram,
  decodeLogHistogram,
  RELATIVE_ACCURACY,
  SketchDecodeError,
} from '../../../../agent/core/sketch/log-histogram.ts';

/** The nearest-rank quantile of the exact values. */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

const latencies = fc.array(fc.double({ min: 0.01, max: 3_600_000, noNaN: true }), { minLength: 1, maxLength: 400 });
const quantile = fc.double({ min: 0, max: 1, noNaN: true });

describe('log-bucket histogram', () => {
  it('answers every quantile within its relative accuracy of the exact nearest-rank value', () => {
    fc.assert(
      fc.property(latencies, quantile, (values, q) => {
        const h = createLogHistogram();
        for (const v of values) h.add(v);
        const truth = exact(values, q);
        expect(Math.abs(h.quantile(q) - truth) / truth).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('merges into exactly the histogram of all the values together', () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const left = createLogHistogram();
        const right = createLogHistogram();
        const both = createLogHistogram();
        for (const v of a) (left.add(v), both.add(v));
        for (const v of b) (right.add(v), both.add(v));
        left.merge(right);
        expect(left.count()).toBe(a.length + b.length);
        for (const q of [0, 0.5, 0.95, 0.99, 1]) expect(left.quantile(q)).toBe(both.quantile(q));
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips through its bytes, zeros and far-apart values included', () => {
    const h = createLogHistogram();
    for (const v of [0, -3, 1e-3, 250, 251, 9_000_000, Number.NaN]) h.add(v);
    const back = decodeLogHistogram(h.encode());
    expect(back.count()).toBe(7);
    expect(back.zeroCount).toBe(3);
    for (const q of [0.1, 0.5, 0.7, 1]) expect(back.quantile(q)).toBe(h.quantile(q));
  });

  it('is empty and NaN before any value', () => {
    const h = createLogHistogram();
    expect(h.count()).toBe(0);
    expect(h.quantile(0.5)).toBeNaN();
    expect(decodeLogHistogram(h.encode()).count()).toBe(0);
  });

  it('refuses bytes it did not write, saying what is wrong', () => {
    expect(() => decodeLogHistogram(new Uint8Array(4))).toThrow(SketchDecodeError);
    const bytes = createLogHistogram().encode();
    bytes[0] = 9;
    expect(() => decodeLogHistogram(bytes)).toThrow(/format version 9/);
    const h = createLogHistogram();
    h.add(100);
    const cut = h.encode().subarray(0, 14);
    expect(() => decodeLogHistogram(cut)).toThrow(/takes 16 bytes, got 14/);
  });

  it('holds a latency range of 100 ms to 2 minutes in well under a kilobyte', () => {
    const h = createLogHistogram();
    for (let v = 100; v < 120_000; v *= 1.01) h.add(v);
    expect(h.counts.length * 4).toBeLessThan(1_000);
    expect(h.encode().length).toBeLessThan(1_000);
  });
});
