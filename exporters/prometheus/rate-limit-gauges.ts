// The latest rate-limit reading per label set, by event time: an older call arriving late never
// overwrites a newer reading, and readings older than the window (behind the latest call seen)
// are dropped, so a provider that went quiet does not keep reporting stale headroom.
import type { Attributes } from '@opentelemetry/api';

interface Reading {
  labels: Attributes;
  atMs: number;
  remaining: number;
  ratio: number | null;
}

export interface RateLimitGauges {
  record(labels: Attributes, atMs: number, rl: { remainingRequests: number | null; limitRequests: number | null; remainingTokens: number | null; limitTokens: number | null }): void;
  current(): Reading[];
}

export function createRateLimitGauges(maxAgeMs: number): RateLimitGauges {
  const readings = new Map<string, Reading>();
  let watermark = -Infinity;
  const put = (labels: Attributes, limitType: string, atMs: number, remaining: number | null, limit: number | null) => {
    if (remaining === null) return;
    const full = { ...labels, limit_type: limitType };
    const key = JSON.stringify(full);
    const previous = readings.get(key);
    if (previous && previous.atMs > atMs) return;
    readings.set(key, { labels: full, atMs, remaining, ratio: limit !== null && limit > 0 ? Math.min(1, Math.max(0, remaining / limit)) : null });
  };
  return {
    record(labels, atMs, rl) {
      watermark = Math.max(watermark, atMs);
      put(labels, 'requests', atMs, rl.remainingRequests, rl.limitRequests);
      put(labels, 'tokens', atMs, rl.remainingTokens, rl.limitTokens);
    },
    current() {
      for (const [key, r] of readings) if (r.atMs < watermark - maxAgeMs) readings.delete(key);
      return [...readings.values()];
    },
  };
}
