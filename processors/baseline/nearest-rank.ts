// Nearest-rank quantiles of an unsorted sample by selection (Hoare's quickselect) instead of a sort:
// exactly the value a sort would put at rank ⌈q·n⌉ − 1, in linear time and without allocating (a
// typed-array sort boxes every element). The window's p50/p95/p99 are read this way at every slice end.

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
