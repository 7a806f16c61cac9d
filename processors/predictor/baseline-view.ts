// What the predictor reads of the learned baselines: the baseline p95 latency and error rate of a
// provider/model, from the snapshots the baseline processor puts on the `baselines` lane. In a
// pipeline without a baseline processor (or before a profile is ready) every lookup answers null
// and the indicators fall back to the static SLA and their own history (cold start).
import type { BaselineSnapshot } from '../../agent/core/model/baseline.ts';

export interface BaselineView {
  /** Keeps the newest ready figures per provider/model from the batch's snapshots. */
  observe(snapshots: readonly BaselineSnapshot[]): void;
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
    observe(snapshots) {
      for (const s of snapshots) {
        // Profiles split by route or team are parts; the predictor judges a provider/model whole.
        if (!s.ready || s.route !== '' || s.team !== '') continue;
        const atMs = Date.parse(s.at);
        const key = `${s.provider}\u0000${s.model}`;
        const seen = byKey.get(key);
        if (seen && seen.atMs > atMs) continue;
        const p95 = s.baseline.latency_ms.p95;
        byKey.set(key, { atMs, p95: p95 !== null && p95 > 0 ? p95 : null, errorRate: s.baseline.error_rate.total });
      }
    },
    latencyP95Ms: (provider, model) => byKey.get(`${provider}\u0000${model}`)?.p95 ?? null,
    errorRate: (provider, model) => byKey.get(`${provider}\u0000${model}`)?.errorRate ?? null,
  };
}
