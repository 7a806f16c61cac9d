// How the traffic of the last window splits over teams, routes and API keys, counted from the
// calls lane. A temporal link needs a shared team, route or key that singles something out: a
// route every request takes (/chat/completions) says nothing about two failures, a team that sends
// a tenth of the traffic does.
export type Attribute = 'team' | 'route' | 'key';

/** Calls counted in the window before shares are trusted. */
const MIN_CALLS = 20;
/** Values counted per attribute and bucket; the rest are not tracked (and never characteristic). */
const MAX_VALUES = 1_000;

interface Bucket {
  startMs: number;
  total: number;
  counts: Record<Attribute, Map<string, number>>;
}

export interface TrafficShares {
  /** Counts one call at event time ms. */
  record(ms: number, values: Partial<Record<Attribute, string | null>>): void;
  /** The share of the window's calls that carry the value; null when too few calls were seen to say. */
  share(attribute: Attribute, value: string, nowMs: number): number | null;
}

export function createTrafficShares(windowMs: number, buckets = 5): TrafficShares {
  const bucketMs = Math.max(1, Math.ceil(windowMs / buckets));
  const ring: Bucket[] = [];

  /** The bucket of ms; a call older than the newest bucket counts in it (late calls are few). */
  const bucketOf = (ms: number): Bucket => {
    const startMs = ms - (ms % bucketMs);
    let last = ring.at(-1);
    if (!last || last.startMs < startMs) {
      last = { startMs, total: 0, counts: { team: new Map(), route: new Map(), key: new Map() } };
      ring.push(last);
      while (ring[0].startMs + windowMs + bucketMs <= ms) ring.shift();
    }
    return last;
  };

  return {
    record(ms, values) {
      const b = bucketOf(ms);
      b.total += 1;
      for (const attribute of ['team', 'route', 'key'] as const) {
        const v = values[attribute];
        if (!v) continue;
        const counts = b.counts[attribute];
        if (counts.has(v) || counts.size < MAX_VALUES) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
    },
    share(attribute, value, nowMs) {
      let total = 0;
      let n = 0;
      for (const b of ring) {
        if (b.startMs + windowMs + bucketMs <= nowMs) continue;
        total += b.total;
        n += b.counts[attribute].get(value) ?? 0;
      }
      return total < MIN_CALLS ? null : n / total;
    },
  };
}
