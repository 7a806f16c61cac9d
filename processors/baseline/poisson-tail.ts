// P(X ≥ k) for X ~ Poisson(λ): how surprising k errors are when the baseline expects λ. Summed
// from the k-th term upwards, so a tiny tail keeps its precision (1 − the lower sum would not).

/** Upper tail probability P(X ≥ k) of a Poisson distribution with mean lambda. */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  // At or below the mean the tail is at least about a half: nothing to report.
  if (k <= lambda) return 1;
  let term = Math.exp(-lambda + k * Math.log(lambda) - logFactorial(k));
  let sum = term;
  for (let i = k + 1; term > sum * 1e-12 && i < k + 10_000; i++) {
    term *= lambda / i;
    sum += term;
  }
  return Math.min(1, sum);
}

/** ln(n!) by Stirling's series (exact enough past 10), by summing below. */
export function logFactorial(n: number): number {
  if (n < 2) return 0;
  if (n < 10) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n) - 1 / (360 * n ** 3);
}
