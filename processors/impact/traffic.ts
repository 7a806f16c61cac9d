// Per-minute traffic, per route and per provider/model, over the last history_ms of event time:
// requests, answers, and answers with a quality finding (by subtype). What a failure's share of
// traffic and its model's failed-answer share are measured against. Bounded: minutes beyond the
// history are overwritten, and at most MAX_KEYS keys are kept (least recently used forgotten).

const MINUTE_MS = 60_000;
const MAX_KEYS = 4_096;

interface Series {
  readonly key: string;
  /** When it was last recorded to (a tick of the traffic's own counter): the least recent is forgotten first. */
  used: number;
  /** The sum that last counted it, so a sum counts each key once. */
  summed: number;
  stamp: Float64Array;
  requests: Float64Array;
  answers: Float64Array;
  failed: Float64Array;
  /** Sparse: minute index → subtype counts, only for minutes with a finding. */
  subtypes: Map<number, Map<string, number>>;
}

export interface TrafficSums {
  requests: number;
  answers: number;
  failed: number;
  bySubtype: Map<string, number>;
}

export interface Traffic {
  /** Counts one request (answered or not) with its quality findings under its route's key and its model's. */
  record(
    route: string | null,
    provider: string,
    model: string | null,
    timeMs: number,
    answered: boolean,
    qualitySubtypes: readonly string[],
  ): void;
  /** Sums over the minutes of [fromMs, toMs] for the keys (each key once). */
  sum(keys: Iterable<string>, fromMs: number, toMs: number): TrafficSums;
  /** Requests over the minutes of [fromMs, toMs] on the routes (each route key once). */
  requestsOn(routes: Iterable<string | null>, fromMs: number, toMs: number): number;
}

export function createTraffic(historyMs: number): Traffic {
  const slots = Math.max(2, Math.ceil(historyMs / MINUTE_MS) + 1);
  const series = new Map<string, Series>();
  // Series by the parts of their key, so recording a request builds no key string; emptied when a
  // series is forgotten (rare), then filled again from `series`.
  const byRoute = new Map<string, Series>();
  const byModel = new Map<string, Map<string, Series>>();
  let tick = 0;
  let sums = 0;

  // A scan, paid only when a new key comes past MAX_KEYS (recording stays a counter bump).
  const forgetLeastRecent = () => {
    let oldest: Series | null = null;
    for (const s of series.values()) if (oldest === null || s.used < oldest.used) oldest = s;
    series.delete(oldest!.key);
    byRoute.clear();
    byModel.clear();
  };

  const seriesOf = (key: string): Series => {
    let s = series.get(key);
    if (s) return s;
    s = {
      key,
      used: ++tick,
      summed: 0,
      stamp: new Float64Array(slots).fill(-1),
      requests: new Float64Array(slots),
      answers: new Float64Array(slots),
      failed: new Float64Array(slots),
      subtypes: new Map(),
    };
    series.set(key, s);
    if (series.size > MAX_KEYS) forgetLeastRecent();
    return s;
  };

  const routeSeries = (route: string | null): Series => {
    const r = route ?? '';
    let s = byRoute.get(r);
    if (!s) byRoute.set(r, (s = seriesOf(routeKey(r))));
    s.used = ++tick;
    return s;
  };

  const modelSeries = (provider: string, model: string | null): Series => {
    const m = model ?? '';
    let models = byModel.get(provider);
    if (!models) byModel.set(provider, (models = new Map()));
    let s = models.get(m);
    if (!s) models.set(m, (s = seriesOf(modelKey(provider, m))));
    s.used = ++tick;
    return s;
  };

  const count = (s: Series, m: number, answered: boolean, qualitySubtypes: readonly string[]) => {
    const i = m % slots;
    if (s.stamp[i] !== m) {
      if (s.stamp[i] > m) return; // older than the history
      s.subtypes.delete(s.stamp[i]);
      s.stamp[i] = m;
      s.requests[i] = 0;
      s.answers[i] = 0;
      s.failed[i] = 0;
    }
    s.requests[i]++;
    if (!answered) return;
    s.answers[i]++;
    if (qualitySubtypes.length === 0) return;
    s.failed[i]++;
    let counts = s.subtypes.get(m);
    if (!counts) s.subtypes.set(m, (counts = new Map()));
    for (const t of new Set(qualitySubtypes)) counts.set(t, (counts.get(t) ?? 0) + 1);
  };

  return {
    record(route, provider, model, timeMs, answered, qualitySubtypes) {
      const m = Math.floor(timeMs / MINUTE_MS);
      // Route before model: the order in which they were last used decides which is forgotten first.
      const r = routeSeries(route);
      count(r, m, answered, qualitySubtypes);
      count(modelSeries(provider, model), m, answered, qualitySubtypes);
    },
    sum(keys, fromMs, toMs) {
      const out: TrafficSums = { requests: 0, answers: 0, failed: 0, bySubtype: new Map() };
      const from = Math.floor(fromMs / MINUTE_MS);
      const to = Math.floor(toMs / MINUTE_MS);
      const mark = ++sums;
      for (const key of keys) {
        const s = series.get(key);
        if (!s || s.summed === mark) continue;
        s.summed = mark;
        for (let m = Math.max(from, to - slots + 1); m <= to; m++) {
          const i = m % slots;
          if (s.stamp[i] !== m) continue;
          out.requests += s.requests[i];
          out.answers += s.answers[i];
          out.failed += s.failed[i];
          if (s.subtypes.size === 0) continue;
          const counts = s.subtypes.get(m);
          if (counts) for (const [t, n] of counts) out.bySubtype.set(t, (out.bySubtype.get(t) ?? 0) + n);
        }
      }
      return out;
    },
    requestsOn(routes, fromMs, toMs) {
      let total = 0;
      const from = Math.floor(fromMs / MINUTE_MS);
      const to = Math.floor(toMs / MINUTE_MS);
      const mark = ++sums;
      for (const route of routes) {
        const s = byRoute.get(route ?? '') ?? series.get(routeKey(route));
        if (!s || s.summed === mark) continue;
        s.summed = mark;
        for (let m = Math.max(from, to - slots + 1); m <= to; m++) {
          const i = m % slots;
          if (s.stamp[i] === m) total += s.requests[i];
        }
      }
      return total;
    },
  };
}

export const routeKey = (route: string | null) => `route:${route ?? ''}`;
export const modelKey = (provider: string, model: string | null) => `model:${provider}/${model ?? ''}`;

/** modelKey, but the same string for the same provider and model, so maps keyed by it hash nothing new. */
export function createModelKeys(): (provider: string, model: string | null) => string {
  const made = new Map<string, Map<string, string>>();
  let size = 0;
  return (provider, model) => {
    const m = model ?? '';
    let models = made.get(provider);
    if (!models) made.set(provider, (models = new Map()));
    let key = models.get(m);
    if (key === undefined) {
      if (size >= MAX_KEYS) {
        made.clear();
        made.set(provider, (models = new Map()));
        size = 0;
      }
      models.set(m, (key = modelKey(provider, m)));
      size++;
    }
    return key;
  };
}
