// What the predictor reads of the learned baselines: the baseline p95 latency and error rate of a
// provider/model, from the items the baseline processor puts on the `baselines` lane. Read by
// shape, not by import, so the predictor also runs in a pipeline without a baseline processor,
// where every lookup answers null and the indicators fall back to the static SLA (cold start).
export interface BaselineView {
  /** Reads the batch's baseline items; keeps the newest ready figures per provider/model. */
  observe(items: readonly unknown[]): void;
  latencyP95Ms(provider: string, model: string): number | null;
  errorRate(provider: string, model: string): number | null;
}

interface Figures {
  atMs: number;
  p95: number | null;
  errorRate: number | null;
}

export function createBaselineView(): BaselineView {
  const byKey = new Map<string, Figures>();
  return {
    observe(items) {
      for (const item of items) {
        const s = readSnapshot(item);
        if (!s) continue;
        const key = `${s.provider}\u0000${s.model}`;
        const seen = byKey.get(key);
        if (!seen || seen.atMs <= s.atMs) byKey.set(key, { atMs: s.atMs, p95: s.p95, errorRate: s.errorRate });
      }
    },
    latencyP95Ms: (provider, model) => byKey.get(`${provider}\u0000${model}`)?.p95 ?? null,
    errorRate: (provider, model) => byKey.get(`${provider}\u0000${model}`)?.errorRate ?? null,
  };
}

// The fields of a baseline snapshot the predictor uses; profiles split by route or team are skipped
// (the predictor judges a provider/model as a whole), and so are profiles not yet ready.
function readSnapshot(
  item: unknown,
): { provider: string; model: string; atMs: number; p95: number | null; errorRate: number | null } | null {
  if (typeof item !== 'object' || item === null) return null;
  const s = item as Record<string, any>;
  if (typeof s.provider !== 'string' || typeof s.model !== 'string' || s.ready !== true) return null;
  if ((s.route ?? '') !== '' || (s.team ?? '') !== '') return null;
  const atMs = Date.parse(String(s.at));
  if (Number.isNaN(atMs)) return null;
  const p95 = s.baseline?.latency_ms?.p95;
  const errorRate = s.baseline?.error_rate?.total;
  return {
    provider: s.provider,
    model: s.model,
    atMs,
    p95: typeof p95 === 'number' && p95 > 0 ? p95 : null,
    errorRate: typeof errorRate === 'number' ? errorRate : null,
  };
}
