import { describe, expect, it } from 'vitest';
import { classifyStatus, parseRetryAfter, retryDelayMs } from '../../../../agent/delivery/notify/retry-policy.ts';

const policy = { initialBackoffMs: 1_000, maxBackoffMs: 60_000, maxRetryAfterMs: 600_000 };

describe('retry policy', () => {
  it('delivers on 2xx, retries 429 and 5xx, and gives up on every other status', () => {
    expect([200, 202, 204].map((s) => classifyStatus(s, null, 0).kind)).toEqual(['delivered', 'delivered', 'delivered']);
    expect([429, 500, 502, 503].map((s) => classifyStatus(s, null, 0).kind)).toEqual(['retry', 'retry', 'retry', 'retry']);
    expect([301, 400, 401, 403, 404, 408, 413].map((s) => classifyStatus(s, null, 0).kind)).toEqual(Array(7).fill('permanent'));
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.UTC(2026, 10, 22, 8, 0, 0);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 08:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(classifyStatus(503, '7', now)).toEqual({ kind: 'retry', reason: 'HTTP 503', retryAfterMs: 7_000 });
  });

  it('waits what Retry-After says, up to its cap', () => {
    expect(retryDelayMs(policy, 1, 30_000)).toBe(30_000);
    expect(retryDelayMs(policy, 1, 3_600_000)).toBe(600_000);
  });

  it('backs off exponentially with jitter between half and all of the ceiling, never past the maximum', () => {
    expect(retryDelayMs(policy, 1, null, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, null, () => 1)).toBe(1_000);
    expect(retryDelayMs(policy, 3, null, () => 0.5)).toBe(3_000);
    expect(retryDelayMs(policy, 40, null, () => 1)).toBe(60_000);
    expect(retryDelayMs(policy, 40, null, () => 0)).toBe(30_000);
  });
});
