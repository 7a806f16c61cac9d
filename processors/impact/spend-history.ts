// Spend per scope (team, key or model) and requested model in 10-second buckets over a bounded
// stretch of event time: what a spend spike's usual rate and its spend so far are read from.
// At most MAX_SERIES series (least recently used forgotten).

const BUCKET_MS = 10_000;
const MAX_SERIES = 2_048;

interface Series {
  /** When it was last added to (a tick of the history's own counter): the least recent is forgotten first. */
  used: number;
  firstMs: number;
  stamp: Float64Array;
  spend: Float64Array;
}

export interface SpendHistory {
  add(scope: string, model: string, timeMs: number, usd: number): void;
  /** Models the scope has spent on within the history, in the order it first spent on them. */
  models(scope: string): Iterable<string>;
  /** Spend in [fromMs, toMs). */
  total(scope: string, model: string, fromMs: number, toMs: number): number;
  /** Usual spend per ms over [fromMs, toMs), over the part of it the series has existed for (0 when under a bucket). */
  rate(scope: string, model: string, fromMs: number, toMs: number): number;
}

export function createSpendHistory(historyMs: number): SpendHistory {
  const slots = Math.ceil(historyMs / BUCKET_MS) + 1;
  /** Scope → model → series. */
  const byScope = new Map<string, Map<string, Series>>();
  let size = 0;
  let tick = 0;

  const forgetLeastRecent = () => {
    let oldest: { models: Map<string, Series>; model: string; used: number } | null = null;
    for (const models of byScope.values())
      for (const [model, s] of models) if (oldest === null || s.used < oldest.used) oldest = { models, model, used: s.used };
    oldest!.models.delete(oldest!.model);
    size--;
  };

  const sum = (s: Series, fromMs: number, toMs: number): number => {
    let total = 0;
    const from = Math.floor(fromMs / BUCKET_MS);
    const to = Math.ceil(toMs / BUCKET_MS) - 1;
    for (let b = Math.max(from, to - slots + 1); b <= to; b++) {
      const i = b % slots;
      if (s.stamp[i] === b) total += s.spend[i];
    }
    return total;
  };

  return {
    add(scope, model, timeMs, usd) {
      let models = byScope.get(scope);
      if (!models) byScope.set(scope, (models = new Map()));
      let s = models.get(model);
      if (s) s.used = ++tick;
      else {
        s = { used: ++tick, firstMs: timeMs, stamp: new Float64Array(slots).fill(-1), spend: new Float64Array(slots) };
        models.set(model, s);
        if (size >= MAX_SERIES) forgetLeastRecent();
        size++;
      }
      s.firstMs = Math.min(s.firstMs, timeMs);
      const b = Math.floor(timeMs / BUCKET_MS);
      const i = b % slots;
      if (s.stamp[i] !== b) {
        if (s.stamp[i] > b) return;
        s.stamp[i] = b;
        s.spend[i] = 0;
      }
      s.spend[i] += usd;
    },
    models: (scope) => byScope.get(scope)?.keys() ?? [],
    total(scope, model, fromMs, toMs) {
      const s = byScope.get(scope)?.get(model);
      return s ? sum(s, fromMs, toMs) : 0;
    },
    rate(scope, model, fromMs, toMs) {
      const s = byScope.get(scope)?.get(model);
      if (!s) return 0;
      const spanMs = toMs - Math.max(fromMs, s.firstMs);
      return spanMs < BUCKET_MS ? 0 : sum(s, fromMs, toMs) / spanMs;
    },
  };
}
