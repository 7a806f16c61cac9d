// Quantiles per key over a sliding window of event time: the window is cut into slices, each
// holding a sketch; a query merges the slices that end after (watermark − window). The watermark
// is the latest call end time seen, not the wall clock, so a replay of old telemetry reports what
// live traffic would have. Alongside, each key keeps a cumulative count and sum of every
// observation (the summary's _count and _sum).
import { createQuantileSketch, type QuantileSketch } from './quantile-sketch.ts';

export interface SlidingQuantiles {
  /** Records `value` observed at event time `atMs` under `key`. */
  observe(key: string, atMs: number, value: number): void;
  /** Per key with observations in the window: the requested quantiles, and all-time count and sum. */
  snapshot(quantiles: readonly number[]): { key: string; values: number[]; count: number; sum: number }[];
}

interface KeyState {
  slices: Map<number, QuantileSketch>;
  count: number;
  sum: number;
}

export function createSlidingQuantiles(options: { windowMs: number; slices: number; relativeAccuracy: number }): SlidingQuantiles {
  const sliceMs = Math.max(1, Math.ceil(options.windowMs / options.slices));
  const keys = new Map<string, KeyState>();
  let watermarkSlice = -Infinity;

  const oldestLiveSlice = () => watermarkSlice - options.slices + 1;
  const prune = (state: KeyState) => {
    for (const slice of state.slices.keys()) if (slice < oldestLiveSlice()) state.slices.delete(slice);
  };

  return {
    observe(key, atMs, value) {
      let state = keys.get(key);
      if (!state) keys.set(key, (state = { slices: new Map(), count: 0, sum: 0 }));
      state.count++;
      state.sum += value;
      const slice = Math.floor(atMs / sliceMs);
      if (slice > watermarkSlice) watermarkSlice = slice;
      if (slice < oldestLiveSlice()) return; // older than the window: counted, not in the quantiles
      let sketch = state.slices.get(slice);
      if (!sketch) {
        state.slices.set(slice, (sketch = createQuantileSketch(options.relativeAccuracy)));
        prune(state);
      }
      sketch.add(value);
    },
    snapshot(quantiles) {
      const out: { key: string; values: number[]; count: number; sum: number }[] = [];
      for (const [key, state] of keys) {
        prune(state);
        if (state.slices.size === 0) continue;
        const merged = createQuantileSketch(options.relativeAccuracy);
        for (const s of state.slices.values()) merged.merge(s);
        out.push({ key, values: quantiles.map((q) => merged.quantile(q)), count: state.count, sum: state.sum });
      }
      return out;
    },
  };
}
