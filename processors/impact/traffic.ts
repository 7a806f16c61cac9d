// Per-minute traffic, per route and per provider/model, over the last history_ms of event time:
// requests, answers, and answers with a quality finding (by subtype). What a failure's share of
// traffic and its model's failed-answer share are measured against. Bounded: minutes beyond the
// history are overwritten, and at most MAX_KEYS keys are kept (least recently used forgotten).

const MINUTE_MS = 60_000;
const MAX_KEYS = 4_096;

interface Series {
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
  /** Counts one request (answered or not) with its quality findings under every key given. */
  record(keys: readonly string[], timeMs: number, answered: boolean, qualitySubtypes: readonly string[]): void;
  /** Sums over the minutes of [fromMs, toMs] for the keys (each key once). */
  sum(keys: Iterable<string>, fromMs: number, toMs: number): TrafficSums;
}

export function createTraffic(historyMs: number): Traffic {
  const slots = Math.max(2, Math.ceil(historyMs / MINUTE_MS) + 1);
  const series = new Map<string, Series>();

  const seriesOf = (key: string): Series => {
    let s = series.get(key);
    if (s) {
      series.delete(key);
      series.set(key, s);
      return s;
    }
    s = {
      stamp: new Float64Array(slots).fill(-1),
      requests: new Float64Array(slots),
      answers: new Float64Array(slots),
      failed: new Float64Array(slots),
      subtypes: new Map(),
    };
    series.set(key, s);
    if (series.size > MAX_KEYS) series.delete(series.keys().next().value as string);
    return s;
  };

  return {
    record(keys, timeMs, answered, qualitySubtypes) {
      const m = Math.floor(timeMs / MINUTE_MS);
      const i = m % slots;
      for (const key of keys) {
        const s = seriesOf(key);
        if (s.stamp[i] !== m) {
          if (s.stamp[i] > m) continue; // older than the history
          s.subtypes.delete(s.stamp[i]);
          s.stamp[i] = m;
          s.requests[i] = 0;
          s.answers[i] = 0;
          s.failed[i] = 0;
        }
        s.requests[i]++;
        if (!answered) continue;
        s.answers[i]++;
        if (qualitySubtypes.length === 0) continue;
        s.failed[i]++;
        let counts = s.subtypes.get(m);
        if (!counts) s.subtypes.set(m, (counts = new Map()));
        for (const t of new Set(qualitySubtypes)) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    },
    sum(keys, fromMs, toMs) {
      const out: TrafficSums = { requests: 0, answers: 0, failed: 0, bySubtype: new Map() };
      const from = Math.floor(fromMs / MINUTE_MS);
      const to = Math.floor(toMs / MINUTE_MS);
      for (const key of new Set(keys)) {
        const s = series.get(key);
        if (!s) continue;
        for (let m = Math.max(from, to - slots + 1); m <= to; m++) {
          const i = m % slots;
          if (s.stamp[i] !== m) continue;
          out.requests += s.requests[i];
          out.answers += s.answers[i];
          out.failed += s.failed[i];
          const counts = s.subtypes.get(m);
          if (counts) for (const [t, n] of counts) out.bySubtype.set(t, (out.bySubtype.get(t) ?? 0) + n);
        }
      }
      return out;
    },
  };
}

export const routeKey = (route: string | null) => `route:${route ?? ''}`;
export const modelKey = (provider: string, model: string | null) => `model:${provider}/${model ?? ''}`;
