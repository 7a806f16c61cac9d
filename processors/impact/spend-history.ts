// Spend per scope (team, key or model) and requested model in 10-second buckets over a bounded
// stretch of event time: what a spend spike's usual rate and its spend so far are read from.
// At most MAX_SERIES series (least recently used forgotten).

const BUCKET_MS = 10_000;
const MAX_SERIES = 2_048;

interface Series {
  firstMs: number;
  stamp: Float64Array;
  spend: Float64Array;
}

export interface SpendHistory {
  add(scope: string, model: string, timeMs: number, usd: number): void;
  /** Models the scope has spent on within the history. */
  models(scope: string): string[];
  /** Spend in [fromMs, toMs). */
  total(scope: string, model: string, fromMs: number, toMs: number): number;
  /** Usual spend per ms over [fromMs, toMs), over the part of it the series has existed for (0 when under a bucket). */
  rate(scope: string, model: string, fromMs: number, toMs: number): number;
}

export function createSpendHistory(historyMs: number): SpendHistory {
  const slots = Math.ceil(historyMs / BUCKET_MS) + 1;
  const series = new Map<string, Series>();
  const byScope = new Map<string, Set<string>>();
  const keyOf = (scope: string, model: string) => `${scope}\u0001${model}`;

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
      const key = keyOf(scope, model);
      let s = series.get(key);
      if (s) series.delete(key);
      else {
        s = { firstMs: timeMs, stamp: new Float64Array(slots).fill(-1), spend: new Float64Array(slots) };
        let models = byScope.get(scope);
        if (!models) byScope.set(scope, (models = new Set()));
        models.add(model);
        if (series.size >= MAX_SERIES) {
          const oldest = series.keys().next().value as string;
          series.delete(oldest);
          const [oldScope, oldModel] = oldest.split('\u0001');
          byScope.get(oldScope)?.delete(oldModel);
        }
      }
      series.set(key, s);
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
    models: (scope) => [...(byScope.get(scope) ?? [])],
    total(scope, model, fromMs, toMs) {
      const s = series.get(keyOf(scope, model));
      return s ? sum(s, fromMs, toMs) : 0;
    },
    rate(scope, model, fromMs, toMs) {
      const s = series.get(keyOf(scope, model));
      if (!s) return 0;
      const spanMs = toMs - Math.max(fromMs, s.firstMs);
      return spanMs < BUCKET_MS ? 0 : sum(s, fromMs, toMs) / spanMs;
    },
  };
}
