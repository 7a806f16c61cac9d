// What the predictor reads of the learned baselines: the baseline p95 latency and error rate of a
// provider/model, from the snapshots the baseline processor puts on the `baselines` lane. In a
// pipeline without a baseline processor (or before a profile is ready, and for the p95 until two
// ready snapshots agree) every lookup answers null and the indicators fall back to the static SLA
// and their own history (cold start).
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
  /** The p95 of the ready snapshot before, within SETTLED_CHANGE of this one: the profile has settled. */
  settled: boolean;
  errorRate: number | null;
}

/**
 * Largest change of the p95 between two ready snapshots of a settled profile. A profile just made
 * ready by its sample count can still be on its way from where it started (a prior, or the traffic
 * of another hour) to the traffic it learns: judged against that, ordinary latency looks like a rise.
 */
const SETTLED_CHANGE = 0.2;

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
        const raw = s.baseline.latency_ms.p95;
        const p95 = raw !== null && raw > 0 ? raw : null;
        const settled = p95 !== null && seen?.p95 != null && Math.abs(p95 / seen.p95 - 1) <= SETTLED_CHANGE;
        byKey.set(key, { atMs, p95, settled, errorRate: s.baseline.error_rate.total });
      }
    },
    latencyP95Ms: (provider, model) => {
      const f = byKey.get(`${provider}\u0000${model}`);
      return f?.settled ? f.p95 : null;
    },
    errorRate: (provider, model) => byKey.get(`${provider}\u0000${model}`)?.errorRate ?? null,
  };
}
