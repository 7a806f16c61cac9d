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
  /** `labels` is read once per object and must not change after (the exporter's are frozen). */
  record(
    labels: Attributes,
    atMs: number,
    rl: { remainingRequests: number | null; limitRequests: number | null; remainingTokens: number | null; limitTokens: number | null },
  ): void;
  current(): Reading[];
}

interface Series {
  labels: Attributes;
  key: string;
}

function seriesFor(labels: Attributes, limitType: string): Series {
  const full = { ...labels, limit_type: limitType };
  return { labels: full, key: JSON.stringify(full) };
}

export function createRateLimitGauges(maxAgeMs: number): RateLimitGauges {
  const readings = new Map<string, Reading>();
  let watermark = -Infinity;
  // The exporter passes its cached attribute objects, so the labelled series and their keys are
  // built once per label set: a spread and a JSON key per call cost ~7 µs of CPU per call.
  const seriesOf = new WeakMap<Attributes, { requests: Series; tokens: Series }>();
  const series = (labels: Attributes) => {
    let s = seriesOf.get(labels);
    if (!s) seriesOf.set(labels, (s = { requests: seriesFor(labels, 'requests'), tokens: seriesFor(labels, 'tokens') }));
    return s;
  };
  const put = ({ labels, key }: Series, atMs: number, remaining: number | null, limit: number | null) => {
    if (remaining === null) return;
    const previous = readings.get(key);
    if (previous && previous.atMs > atMs) return;
    readings.set(key, { labels, atMs, remaining, ratio: limit !== null && limit > 0 ? Math.min(1, Math.max(0, remaining / limit)) : null });
  };
  return {
    record(labels, atMs, rl) {
      watermark = Math.max(watermark, atMs);
      const s = series(labels);
      put(s.requests, atMs, rl.remainingRequests, rl.limitRequests);
      put(s.tokens, atMs, rl.remainingTokens, rl.limitTokens);
    },
    current() {
      for (const [key, r] of readings) if (r.atMs < watermark - maxAgeMs) readings.delete(key);
      return [...readings.values()];
    },
  };
}
