// Nearest-rank quantiles of an unsorted sample, exactly the value a sort would put at rank
// ⌈q·n⌉ − 1, without sorting (a typed-array sort boxes every element) and without allocating. The
// window's p50/p95/p99 are read at every slice end of every key, so this is on the hot path.
// selectQuantiles sorts the values by bucket of their float32 bits (a counting sort) and selects
// within the bucket holding each rank: its loops branch predictably, where a quickselect over the
// whole window (selectRank) mispredicts about every other comparison and cost several times as much.

/** The 0-based rank that holds the nearest-rank q-quantile of n values. */
export function rankOf(q: number, n: number): number {
  return Math.max(0, Math.ceil(q * n) - 1);
}

/**
 * Reorders a[from, to) so that a[k] holds what a sort would put there, with nothing larger before it
 * and nothing smaller after it, and returns a[k]. Ranks above k can then be selected in a[k + 1, to).
 */
export function selectRank(a: Float64Array, from: number, to: number, k: number): number {
  let lo = from;
  let hi = to - 1;
  while (hi > lo) {
    // Median of three as the pivot: sorted or reversed input stays linear.
    const mid = (lo + hi) >>> 1;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // Now a[lo..j] ≤ pivot ≤ a[i..hi], and anything between j and i equals the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

// The bits of a non-negative float32 read as an unsigned integer order as the float does; their top
// 13 (the exponent and 4 bits of mantissa) make 16 buckets per doubling.
const BUCKET_SHIFT = 19;
// Shared by every call: each runs to completion before the next, and leaves the counts at zero.
const counts = new Int32Array(2 ** (32 - BUCKET_SHIFT));
let bitsView: Uint32Array = new Uint32Array(0);
let byBucket = new Float64Array(64);

/**
 * The nearest-rank quantiles `qs` (ascending) of values[0, n) into `out`. The values must be
 * non-negative (not -0) and not NaN.
 */
export function selectQuantiles(values: Float32Array, n: number, qs: readonly number[], out: Float64Array): void {
  if (bitsView.buffer !== values.buffer || bitsView.byteOffset !== values.byteOffset || bitsView.length !== values.length)
    bitsView = new Uint32Array(values.buffer, values.byteOffset, values.length);
  if (byBucket.length < n) byBucket = new Float64Array(Math.max(n, 2 * byBucket.length));
  const bits = bitsView;
  const sorted = byBucket;
  let lo = counts.length;
  let hi = -1;
  for (let i = 0; i < n; i++) {
    const b = bits[i] >>> BUCKET_SHIFT;
    counts[b]++;
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  // A counting sort by bucket: counts become where each bucket starts, then (as values are placed)
  // where it ends. Only the order within a bucket is left to selection.
  for (let b = lo, start = 0; b <= hi; b++) {
    const c = counts[b];
    counts[b] = start;
    start += c;
  }
  for (let i = 0; i < n; i++) sorted[counts[bits[i] >>> BUCKET_SHIFT]++] = values[i];
  let q = 0;
  for (let b = lo, start = 0; b <= hi && q < qs.length; b++) {
    const end = counts[b];
    for (; q < qs.length; q++) {
      const k = rankOf(qs[q], n);
      if (k >= end) break;
      out[q] = selectRank(sorted, start, end, k);
    }
    start = end;
  }
  if (hi >= lo) counts.fill(0, lo, hi + 1);
  for (; q < qs.length; q++) out[q] = NaN;
}
