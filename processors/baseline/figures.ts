// The baseline of one key for one hour of the week, as the API and the dashboards read it, and the
// zones drawn from it: yellow above 1.5 × the baseline p95, red above 2 × (configurable); error
// rate zones a multiple of the baseline rate and at least a margin above it.
import type { BaselineFigures, CurrentFigures, DeviationMetric } from '../../agent/core/model/baseline.ts';
import type { BaselineConfig } from './config.ts';
import { CALLS, COST_LOG, COST_N, ERRORS, TOK_LOG, TOK_N, TPS_LOG, TPS_N, type LiveWindow } from './live-window.ts';
import type { Thresholds } from './thresholds.ts';

export function baselineFigures(th: Thresholds, config: BaselineConfig): BaselineFigures {
  const e = th.estimate;
  const g = th.global;
  const z = config.zones;
  const p95 = Math.exp(e.l95);
  const rate = e.errorRate;
  return {
    latency_ms: { p50: round(Math.exp(e.l50)), p95: round(p95), p99: round(Math.exp(e.l99)) },
    ttft_ms: { p50: roundOrNull(g.ttftP50), p95: roundOrNull(g.ttftP95) },
    output_tokens_per_sec: e.ltps === null ? null : round(Math.exp(e.ltps)),
    error_rate: { total: round(rate, 6), by_type: Object.fromEntries(Object.entries(g.errorsByType).map(([t, r]) => [t, round(r, 6)])) },
    cost_per_request_usd: g.cost === null ? null : round(g.cost.mean, 8),
    tokens_per_request: { input: roundOrNull(g.inputTokensMean), output: roundOrNull(g.outputTokensMean) },
    quality_failure_rate: g.qualityFailureRate === null ? null : round(g.qualityFailureRate, 6),
    zones: {
      latency_yellow_ms: round(p95 * z.latency_yellow),
      latency_red_ms: round(p95 * z.latency_red),
      error_rate_yellow: round(Math.min(1, Math.max(rate * z.error_rate_yellow, rate + z.error_rate_margin)), 6),
      error_rate_red: round(Math.min(1, Math.max(rate * z.error_rate_red, rate + 5 * z.error_rate_margin)), 6),
    },
  };
}

export function currentFigures(w: LiveWindow | null, windowMs: number): CurrentFigures {
  const calls = w?.sum(CALLS) ?? 0;
  if (w === null || calls === 0) {
    return {
      window_ms: windowMs,
      requests: 0,
      latency_p95_ms: null,
      error_rate: null,
      output_tokens_per_sec: null,
      cost_per_request_usd: null,
      tokens_per_request: null,
    };
  }
  const geo = (nField: number, logField: number, digits = 2) =>
    w.sum(nField) > 0 ? round(Math.exp(w.sum(logField) / w.sum(nField)), digits) : null;
  return {
    window_ms: windowMs,
    requests: calls,
    latency_p95_ms: w.latencyCount() > 0 ? round(w.latencyQuantile(0.95)) : null,
    error_rate: round(w.sum(ERRORS) / calls, 6),
    output_tokens_per_sec: geo(TPS_N, TPS_LOG),
    cost_per_request_usd: geo(COST_N, COST_LOG, 8),
    tokens_per_request: geo(TOK_N, TOK_LOG),
  };
}

/** Current figure / baseline figure per metric; null where either is unknown. */
export function deviationRatios(
  current: CurrentFigures,
  baseline: BaselineFigures,
  th: Thresholds,
): Record<DeviationMetric, number | null> {
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || !(b > 0) ? null : round(a / b, 4));
  return {
    latency_p95: ratio(current.latency_p95_ms, th.baselineP95Ms),
    error_rate: ratio(current.error_rate, th.baselineErrorRate),
    output_tokens_per_sec: ratio(current.output_tokens_per_sec, baseline.output_tokens_per_sec),
    tokens_per_request: ratio(current.tokens_per_request, th.global.tokens ? Math.exp(th.global.tokens.level) : null),
    cost_per_request: ratio(current.cost_per_request_usd, th.global.cost ? Math.exp(th.global.cost.level) : null),
  };
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

const roundOrNull = (v: number | null): number | null => (v === null ? null : round(v));
