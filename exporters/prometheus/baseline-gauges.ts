// Gauges from the baselines lane: the learned latency quantiles per provider and model, the
// baseline error ratio, the yellow and red zones drawn from them (the dashboards' zones) and each
// metric's current window / baseline ratio.
// The newest snapshot of each provider and model is kept (profiles split by route or team are
// represented by their busiest split); a ratio the snapshot does not know is not reported.
import type { Attributes } from '@opentelemetry/api';
import type { BaselineSnapshot } from '../../agent/core/model/baseline.ts';
import type { LabelLimiter } from './label-limiter.ts';

export interface BaselineGauge {
  attributes: Attributes;
  value: number;
}

export interface BaselineGauges {
  record(snapshots: readonly BaselineSnapshot[]): void;
  latency(): BaselineGauge[];
  errorRatio(): BaselineGauge[];
  /** Lower edges of the yellow and red zones: latency in seconds, then the error ratio. */
  zones(): { latency: BaselineGauge[]; errorRatio: BaselineGauge[] };
  deviation(): BaselineGauge[];
}

const ZONES = ['yellow', 'red'] as const;

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
] as const;

export function createBaselineGauges(limitProvider: LabelLimiter, limitModel: LabelLimiter): BaselineGauges {
  const latest = new Map<string, BaselineSnapshot>();
  const labels = (s: BaselineSnapshot) => ({ provider: limitProvider(s.provider), model: limitModel(s.model || 'unknown') });
  return {
    record(snapshots) {
      for (const s of snapshots) {
        const key = `${s.provider}\u0000${s.model}`;
        const seen = latest.get(key);
        const sameSplit = seen !== undefined && seen.route === s.route && seen.team === s.team;
        if (!seen || (sameSplit ? seen.at <= s.at : seen.samples <= s.samples)) latest.set(key, s);
      }
    },
    latency() {
      const out: BaselineGauge[] = [];
      for (const s of latest.values())
        for (const [quantile, field] of QUANTILES) {
          const ms = s.baseline.latency_ms[field];
          if (ms !== null) out.push({ attributes: { ...labels(s), quantile }, value: ms / 1000 });
        }
      return out;
    },
    errorRatio() {
      const out: BaselineGauge[] = [];
      for (const s of latest.values())
        if (s.baseline.error_rate.total !== null) out.push({ attributes: labels(s), value: s.baseline.error_rate.total });
      return out;
    },
    zones() {
      const latency: BaselineGauge[] = [];
      const errorRatio: BaselineGauge[] = [];
      for (const s of latest.values()) {
        const z = s.baseline.zones;
        for (const zone of ZONES) {
          const ms = zone === 'yellow' ? z.latency_yellow_ms : z.latency_red_ms;
          const ratio = zone === 'yellow' ? z.error_rate_yellow : z.error_rate_red;
          if (ms !== null) latency.push({ attributes: { ...labels(s), zone }, value: ms / 1000 });
          if (ratio !== null) errorRatio.push({ attributes: { ...labels(s), zone }, value: ratio });
        }
      }
      return { latency, errorRatio };
    },
    deviation() {
      const out: BaselineGauge[] = [];
      for (const s of latest.values())
        for (const [metric, ratio] of Object.entries(s.deviation))
          if (ratio !== null) out.push({ attributes: { ...labels(s), metric }, value: ratio });
      return out;
    },
  };
}
