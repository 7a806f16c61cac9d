import { describe, expect, it } from 'vitest';
import { emptySample } from '../../../processors/baseline/call-sample.ts';
import { createLiveWindow } from '../../../processors/baseline/live-window.ts';
import { rankOf } from '../../../processors/baseline/nearest-rank.ts';
import { seeded } from './traffic.ts';

const SLICE_MS = 30_000;

describe('live window latency quantiles', () => {
  it('are the nearest-rank quantiles of the latencies held, as the ring wraps and slices leave', () => {
    const r = seeded(11);
    // 6 slices, at most 64 latencies: the ring fills, wraps and loses whole slices as the window moves.
    const w = createLiveWindow(6, 64);
    const held: { slice: number; ms: number }[] = [];
    const sample = emptySample();
    const out = new Float64Array(3);
    for (let slice = 0; slice < 40; slice++) {
      w.advance(slice, () => {});
      const calls = Math.floor(r.next() * 25);
      for (let c = 0; c < calls; c++) {
        // Float32 values, as the ring stores them.
        sample.latencyMs = Math.fround(2_000 * Math.exp(0.7 * r.normal()));
        sample.endMs = slice * SLICE_MS;
        w.add(sample, slice);
        held.push({ slice, ms: sample.latencyMs });
      }
      const inWindow = held.filter((h) => h.slice > slice - 6).slice(-64);
      const sorted = inWindow.map((h) => h.ms).sort((a, b) => a - b);
      expect(w.latencyCount()).toBe(sorted.length);
      if (sorted.length === 0) continue;
      w.latencyQuantiles([0.5, 0.95, 0.99], out);
      expect([...out]).toEqual([0.5, 0.95, 0.99].map((q) => sorted[rankOf(q, sorted.length)]));
      expect(w.latencyQuantile(0.95)).toBe(sorted[rankOf(0.95, sorted.length)]);
    }
  });

  it('reads NaN quantiles from a window holding no latencies', () => {
    const w = createLiveWindow(6, 64);
    const out = new Float64Array(2);
    w.latencyQuantiles([0.5, 0.95], out);
    expect([...out]).toEqual([NaN, NaN]);
    expect(w.latencyQuantile(0.95)).toBeNaN();
  });
});
