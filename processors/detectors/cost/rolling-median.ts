// The median of the values seen over a sliding window of event time, capped at maxSamples (the
// oldest forgotten first). Values are kept twice: in arrival order for eviction and sorted for
// the median, so an insert costs a binary search and a splice.
import { lowerBound, upperBound } from '../sorted-search.ts';

export interface RollingMedian {
  add(timeMs: number, value: number): void;
  median(): number | null;
  size(): number;
}

export function createRollingMedian(windowMs: number, maxSamples: number): RollingMedian {
  let fifo: Array<{ timeMs: number; value: number }> = [];
  let head = 0;
  const sorted: number[] = [];
  let latest = -Infinity;
  return {
    add(timeMs, value) {
      latest = Math.max(latest, timeMs);
      const cutoff = latest - windowMs;
      if (timeMs > cutoff) {
        fifo.push({ timeMs, value });
        sorted.splice(upperBound(sorted, value), 0, value);
      }
      while (head < fifo.length && (fifo[head].timeMs <= cutoff || fifo.length - head > maxSamples)) {
        const gone = fifo[head++];
        sorted.splice(lowerBound(sorted, gone.value), 1);
      }
      if (head > 1_024 && head * 2 > fifo.length) {
        fifo = fifo.slice(head);
        head = 0;
      }
    },
    median() {
      const n = sorted.length;
      if (n === 0) return null;
      return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    },
    size: () => sorted.length,
  };
}
