// Nearest-rank quantiles of an unsorted sample, exactly the value a sort would put at rank
// ⌈q·n⌉ − 1, without sorting (a typed-array sort boxes every element) and without allocating. The
// window's p50/p95/p99 are read at every slice end of every key, so this is on the hot path.
// selectQuantiles counts the values into buckets of their float32 bits, finds the bucket holding
// each rank and selects within it: its loops branch predictably, where a quickselect over the whole
// window (selectRank) mispredicts about every other comparison and cost several times as much.

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
const counts = new Uint32Array(2 ** (32 - BUCKET_SHIFT));
let bits: Uint32Array = new Uint32Array(0);
let bucket = new Float64Array(64);

/**
 * The nearest-rank quantiles `qs` (ascending) of values[0, n) into `out`. The values must be
 * non-negative (not -0) and not NaN.
 */
export function selectQuantiles(values: Float32Array, n: number, qs: readonly number[], out: Float64Array): void {
  if (bits.buffer !== values.buffer || bits.byteOffset !== values.byteOffset || bits.length !== values.length)
    bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let lo = counts.length;
  let hi = -1;
  for (let i = 0; i < n; i++) {
    const b = bits[i] >>> BUCKET_SHIFT;
    counts[b]++;
    if (b < lo) lo = b;
    if (b > hi) hi = b;
  }
  let q = 0;
  /** Values in the buckets below b. */
  let below = 0;
  for (let b = lo; b <= hi && q < qs.length; b++) {
    const c = counts[b];
    let gathered = false;
    for (; q < qs.length; q++) {
      const k = rankOf(qs[q], n) - below;
      if (k >= c) break;
      if (!gathered) {
        if (bucket.length < c) bucket = new Float64Array(Math.max(c, 2 * bucket.length));
        for (let i = 0, m = 0; i < n; i++) if (bits[i] >>> BUCKET_SHIFT === b) bucket[m++] = values[i];
        gathered = true;
      }
      out[q] = selectRank(bucket, 0, c, k);
    }
    below += c;
  }
  if (hi >= lo) counts.fill(0, lo, hi + 1);
  for (; q < qs.length; q++) out[q] = NaN;
}
