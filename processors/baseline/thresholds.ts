// The lines a key's current window is judged against, worked out from its profile for one hour of
// the week: recomputed whenever the window moves on a slice (the profile or the hour may have
// changed), so the per-call checks are comparisons. Until a profile is ready its baseline p95 and
// error rate are never below the static thresholds (the cold-start floor).
import type { BaselineConfig } from './config.ts';
import type { GlobalEstimate, SeasonalProfile, SlotEstimate } from './seasonal-profile.ts';

export interface Thresholds {
  slot: number;
  ready: boolean;
  /** Whether the profile has enough calls to be judged on at all. */
  judged: boolean;
  estimate: SlotEstimate;
  global: GlobalEstimate;
  baselineP95Ms: number;
  /** A successful call slower than this counts towards a latency deviation. */
  latencyThresholdMs: number;
  baselineErrorRate: number;
  errorRateThreshold: number;
  /** Log tokens per second below which the window geometric mean is a deviation; null: unknown. */
  tpsThresholdLog: number | null;
  /** Log cost and tokens per request above which the window geometric mean is a deviation. */
  costThresholdLog: number | null;
  tokensThresholdLog: number | null;
}

export function thresholdsFor(profile: SeasonalProfile, slot: number, config: BaselineConfig): Thresholds {
  const estimate = profile.estimate(slot);
  const global = profile.global();
  const samples = profile.samples();
  const ready = samples >= config.ready_samples;
  const staticLog = Math.log(config.static.latency_p95_ms);
  const l95 = ready ? estimate.l95 : Math.max(estimate.l95, staticLog);
  const baselineP95Ms = Math.exp(l95);
  const spreadMultiple = config.spread_multiple;
  // An hour the profile has not seen yet may be a busier hour: the factor widens by the seasonal margin.
  const latencyThresholdMs =
    baselineP95Ms * Math.max(config.latency.factor * Math.exp(estimate.unseen), Math.exp(spreadMultiple * estimate.s95));
  const baselineErrorRate = ready ? estimate.errorRate : Math.max(estimate.errorRate, config.static.error_rate);
  const errorRateThreshold = Math.max(config.error_rate.factor * baselineErrorRate, baselineErrorRate + config.error_rate.min_increase);
  return {
    slot,
    ready,
    judged: samples >= config.min_samples,
    estimate,
    global,
    baselineP95Ms,
    latencyThresholdMs,
    baselineErrorRate,
    errorRateThreshold,
    // Throughput and spend have no static floor: they are judged only on a ready profile.
    tpsThresholdLog:
      ready && estimate.ltps !== null
        ? estimate.ltps - Math.max(-Math.log(config.throughput.drop_ratio) + estimate.unseen, spreadMultiple * estimate.stps)
        : null,
    costThresholdLog: ready ? above(global.cost, config.spend.factor, spreadMultiple) : null,
    tokensThresholdLog: ready ? above(global.tokens, config.spend.factor, spreadMultiple) : null,
  };
}

/** The log level a window geometric mean must pass to deviate upwards from a learned level. */
function above(level: { level: number; spread: number } | null, factor: number, spreadMultiple: number): number | null {
  return level ? level.level + Math.max(Math.log(factor), spreadMultiple * level.spread) : null;
}
