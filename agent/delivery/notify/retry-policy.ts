// What to do after a delivery attempt: 2xx delivered; 429 and 5xx (and network errors) retried
// with jittered exponential backoff, or after the receiver's Retry-After; any other status is
// permanent — logged with the response body, counted, never retried.

export interface RetryPolicy {
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Retry-After beyond this is cut to it, so a confused receiver cannot park the queue for a day. */
  readonly maxRetryAfterMs: number;
}

export type AttemptOutcome =
  { kind: 'delivered' } | { kind: 'retry'; reason: string; retryAfterMs: number | null } | { kind: 'permanent'; reason: string };

export function classifyStatus(status: number, retryAfter: string | null, nowMs: number): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  if (status === 429 || status >= 500) return { kind: 'retry', reason: `HTTP ${status}`, retryAfterMs: parseRetryAfter(retryAfter, nowMs) };
  return { kind: 'permanent', reason: `HTTP ${status}` };
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1_000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/**
 * Delay before retry number `attempt` (1-based): the receiver's Retry-After when it sent one,
 * else exponential backoff with "equal jitter" (half fixed, half random) so many agents that
 * failed together do not retry together.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null) return Math.min(retryAfterMs, policy.maxRetryAfterMs);
  const ceiling = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
