// Sums over a sliding window of event time, kept as fixed-width buckets so memory is bounded by
// the window, not by the traffic: a window of W ms in buckets of W/B ms holds at most B+1
// buckets of `width` numbers, whatever the call rate. The price is a window edge that is one
// bucket coarse. Late items older than every kept bucket are not counted.

interface Bucket {
  startMs: number;
  sums: Float64Array;
}

export interface BucketSums {
  /** Adds `values` at event time `timeMs`; moves the window's end forward when it is later. */
  add(timeMs: number, values: ArrayLike<number>): void;
  /**
   * Per-position sums over the last `windowMs` ending `offsetMs` before the end of the latest
   * bucket: recent(W) is the current window, recent(B, W) the baseline just before it.
   */
  recent(windowMs: number, offsetMs?: number): number[];
  /** The latest event time seen. */
  latestMs(): number;
}

/** spanMs is the whole history kept (e.g. baseline + current window); bucketMs its granularity. */
export function createBucketSums(width: number, spanMs: number, bucketMs: number): BucketSums {
  const buckets: Bucket[] = [];
  let latest = -Infinity;
  const evict = () => {
    const cutoff = latest - spanMs - bucketMs;
    let drop = 0;
    while (drop < buckets.length && buckets[drop].startMs < cutoff) drop++;
    if (drop > 0) buckets.splice(0, drop);
  };
  return {
    add(timeMs, values) {
      const startMs = Math.floor(timeMs / bucketMs) * bucketMs;
      if (timeMs > latest) latest = timeMs;
      if (startMs < latest - spanMs - bucketMs) return;
      // Buckets stay ordered by start; items mostly arrive in order, so search from the end.
      let i = buckets.length - 1;
      while (i >= 0 && buckets[i].startMs > startMs) i--;
      let b = i >= 0 && buckets[i].startMs === startMs ? buckets[i] : undefined;
      if (b === undefined) {
        b = { startMs, sums: new Float64Array(width) };
        buckets.splice(i + 1, 0, b);
      }
      const n = Math.min(width, values.length);
      for (let k = 0; k < n; k++) b.sums[k] += values[k];
      evict();
    },
    recent(windowMs, offsetMs = 0) {
      const toMs = Math.floor(latest / bucketMs) * bucketMs + bucketMs - offsetMs;
      const fromMs = toMs - windowMs;
      const out = new Array<number>(width).fill(0);
      for (const b of buckets) {
        if (b.startMs < fromMs || b.startMs >= toMs) continue;
        for (let k = 0; k < width; k++) out[k] += b.sums[k];
      }
      return out;
    },
    latestMs: () => latest,
  };
}
