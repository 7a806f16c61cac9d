// Jittered exponential backoff (the Collector's retry_on_failure shape): the n-th wait is
// initial × multiplier^(n-1), capped, then randomized ±randomization_factor.
export interface BackoffPolicy {
  initial_interval_ms: number;
  max_interval_ms: number;
  multiplier: number;
  randomization_factor: number;
}

/** Wait before retry number `attempt` (1-based). `random` is injectable for tests. */
export function backoffDelayMs(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.max_interval_ms, policy.initial_interval_ms * policy.multiplier ** Math.max(0, attempt - 1));
  const spread = base * policy.randomization_factor;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}
