// Distribution drift between a reference sample and a current one, by the two tests drift monitors use: the
// Population Stability Index over bins cut at the reference's deciles, and the two-sample
// Kolmogorov–Smirnov statistic with its large-sample critical value. No npm package offers a
// two-sample KS, and both are a few lines.

/** Empty bins are smoothed to this share so ln() stays finite. */
const PSI_EPSILON = 1e-4;

/** Σ (cur − ref) · ln(cur / ref) over bins cut at the reference's deciles. */
export function psi(reference: readonly number[], current: readonly number[], bins = 10): number {
  if (reference.length === 0 || current.length === 0) return 0;
  const ref = [...reference].sort((a, b) => a - b);
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const edge = ref[Math.min(ref.length - 1, Math.floor((i * ref.length) / bins))];
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  const refShare = binShares(ref, edges);
  const curShare = binShares(current, edges);
  let sum = 0;
  for (let i = 0; i < refShare.length; i++) sum += (curShare[i] - refShare[i]) * Math.log(curShare[i] / refShare[i]);
  return sum;
}

/** Share of values per bin; bin i holds values below edges[i] (the last, everything above). */
function binShares(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) {
    let i = 0;
    while (i < edges.length && v >= edges[i]) i++;
    counts[i]++;
  }
  return counts.map((c) => Math.max(c / values.length, PSI_EPSILON));
}

export interface KsResult {
  /** max |F_ref − F_cur| over all values. */
  readonly d: number;
  /** c(α) · √((n + m) / (n · m)). */
  readonly critical: number;
  readonly rejected: boolean;
}

/** Two-sample KS: D, and whether it rejects "same distribution" at level alpha. */
export function ksTwoSample(reference: readonly number[], current: readonly number[], alpha: number): KsResult {
  const n = reference.length;
  const m = current.length;
  if (n === 0 || m === 0) return { d: 0, critical: Infinity, rejected: false };
  const a = [...reference].sort((x, y) => x - y);
  const b = [...current].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    // Step past every copy of the smaller value in both samples before comparing the ECDFs.
    const v = Math.min(a[i], b[j]);
    while (i < n && a[i] === v) i++;
    while (j < m && b[j] === v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const c = Math.sqrt(-Math.log(alpha / 2) / 2);
  const critical = c * Math.sqrt((n + m) / (n * m));
  return { d, critical, rejected: d > critical };
}
