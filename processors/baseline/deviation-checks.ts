// The deviation rules, on event time, once per episode per key and metric:
//   latency   the window p95 of successful calls above the latency threshold (factor × baseline
//             p95, and spread_multiple learned spreads), with at least min_slow_calls over it
//             → provider/latency_degradation
//   errors    the window error rate at least factor × and min_increase above the baseline rate,
//             min_errors failed calls, and a Poisson tail below p_value (count-aware: one error at
//             low traffic proves nothing) → provider/<the window's most frequent error type>
//   tokens/s  the window geometric mean below drop_ratio × baseline → provider/latency_degradation
//   spend     tokens or cost per request (geometric mean) above factor × baseline → cost/token_spike
// An episode re-arms when its figure is back halfway (in log space) between threshold and baseline
// (latency: below rearm_factor × the baseline p95).
// Each finding is a window-level signal: its failure id comes from the key, metric and start.
import type { DeviationMetric } from '../../agent/core/model/baseline.ts';
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { isSubtypeOf, type Category } from '../../agent/core/model/taxonomy.ts';
import { isKnown, type CallSample } from './call-sample.ts';
import type { BaselineConfig } from './config.ts';
import { CALLS, COST_LOG, COST_N, ERRORS, TOK_LOG, TOK_N, TPS_LOG, TPS_N, type LiveWindow } from './live-window.ts';
import { poissonTail } from './poisson-tail.ts';
import { deviationScope, type ProfileKey } from './profile-key.ts';
import { slotLabel } from './slot.ts';
import type { Thresholds } from './thresholds.ts';

/** Deviations in progress: metric → event time it started (ms). */
export type Episodes = Map<DeviationMetric, number>;

export interface CheckContext {
  key: ProfileKey;
  th: Thresholds;
  window: LiveWindow;
  episodes: Episodes;
  config: BaselineConfig;
}

const NOTHING: Signal[] = [];

/** The signals this call starts (usually none: the shared empty list, so the common path allocates nothing). */
export function checkCall(call: LlmCall, sample: CallSample, ctx: CheckContext): Signal[] {
  const { th, window, episodes, config } = ctx;
  let out = NOTHING;
  if (isKnown(sample.latencyMs) && !isOpen(episodes, 'latency_p95')) {
    const n = window.latencyCount();
    const slow = window.slowCount();
    // The nearest-rank p95 of n values is above the threshold exactly when more than n − ⌈0.95 n⌉ are.
    if (n >= config.latency.min_window_samples && slow >= config.latency.min_slow_calls && slow > n - Math.ceil(0.95 * n)) {
      const p95 = window.latencyQuantile(0.95);
      out = add(
        out,
        deviation(ctx, call, sample, 'latency_p95', 'provider', 'latency_degradation', {
          baseline_p95_ms: round(th.baselineP95Ms),
          current_p95_ms: round(p95),
          ratio: round(p95 / th.baselineP95Ms),
          threshold_ms: round(th.latencyThresholdMs),
          samples: n,
          slow_calls: slow,
        }),
      );
    }
  }
  if (!sample.ok && !isOpen(episodes, 'error_rate')) {
    const calls = window.sum(CALLS);
    const errors = window.sum(ERRORS);
    if (errors >= config.error_rate.min_errors && errors >= th.errorRateThreshold * calls) {
      const p = poissonTail(errors, calls * th.baselineErrorRate);
      if (p < config.error_rate.p_value) {
        const byType = window.errorsByType();
        out = add(
          out,
          deviation(ctx, call, sample, 'error_rate', 'provider', dominantProviderError(byType), {
            baseline_rate: round(th.baselineErrorRate, 6),
            current_rate: round(errors / calls, 6),
            ratio: th.baselineErrorRate > 0 ? round(errors / calls / th.baselineErrorRate) : null,
            errors,
            requests: calls,
            p_value: Number(p.toPrecision(3)),
            by_type: byType,
          }),
        );
      }
    }
  }
  if (isKnown(sample.tps) && th.tpsThresholdLog !== null && th.estimate.ltps !== null && !isOpen(episodes, 'output_tokens_per_sec')) {
    const n = window.sum(TPS_N);
    if (n >= config.throughput.min_window_samples && window.sum(TPS_LOG) / n < th.tpsThresholdLog) {
      const baseline = Math.exp(th.estimate.ltps);
      const current = Math.exp(window.sum(TPS_LOG) / n);
      out = add(
        out,
        deviation(ctx, call, sample, 'output_tokens_per_sec', 'provider', 'latency_degradation', {
          baseline_output_tokens_per_sec: round(baseline),
          current_output_tokens_per_sec: round(current),
          ratio: round(current / baseline),
          samples: n,
        }),
      );
    }
  }
  if (isKnown(sample.inputTokens)) {
    const found = spend(ctx, call, sample, 'tokens_per_request');
    if (found) out = add(out, found);
  }
  if (isKnown(sample.costUsd)) {
    const found = spend(ctx, call, sample, 'cost_per_request');
    if (found) out = add(out, found);
  }
  return out;
}

// Takes the metric rather than its limit and level: a number passed to a call that is not inlined
// is boxed, and this runs twice for every call.
function spend(ctx: CheckContext, call: LlmCall, sample: CallSample, metric: 'tokens_per_request' | 'cost_per_request'): Signal | null {
  const { th } = ctx;
  const isTokens = metric === 'tokens_per_request';
  // A limit exists only where the level does (see thresholds.ts).
  const limit = isTokens ? th.tokensThresholdLog : th.costThresholdLog;
  if (limit === null || isOpen(ctx.episodes, metric)) return null;
  const n = ctx.window.sum(isTokens ? TOK_N : COST_N);
  if (n < ctx.config.spend.min_window_samples) return null;
  const mean = ctx.window.sum(isTokens ? TOK_LOG : COST_LOG) / n;
  if (mean <= limit) return null;
  const level = (isTokens ? th.global.tokens : th.global.cost)!.level;
  const digits = metric === 'cost_per_request' ? 8 : 1;
  return deviation(ctx, call, sample, metric, 'cost', 'token_spike', {
    baseline: round(Math.exp(level), digits),
    current: round(Math.exp(mean), digits),
    ratio: round(Math.exp(mean - level)),
    samples: n,
  });
}

/** Whether the metric has a deviation in progress; usually none has, and the size test spares a lookup per metric and call. */
function isOpen(episodes: Episodes, metric: DeviationMetric): boolean {
  return episodes.size > 0 && episodes.has(metric);
}

/** Starts the metric's episode and returns its window-level signal. */
function deviation(...args: Parameters<typeof signalOf>): Signal {
  const [ctx, , sample, metric] = args;
  ctx.episodes.set(metric, sample.endMs);
  return signalOf(...args);
}

/**
 * Whether this call itself shows the metric's deviation (a failed call, a call slower than the
 * latency threshold, …): a lasting episode is reported again only on such a call, so a call that is
 * fine is never counted among the failure's requests.
 */
export function showsDeviation(metric: DeviationMetric, sample: CallSample, th: Thresholds): boolean {
  switch (metric) {
    case 'latency_p95':
      return isKnown(sample.latencyMs) && sample.latencyMs > th.latencyThresholdMs;
    case 'error_rate':
      return !sample.ok;
    case 'output_tokens_per_sec':
      return isKnown(sample.tps) && th.tpsThresholdLog !== null && Math.log(sample.tps) < th.tpsThresholdLog;
    case 'tokens_per_request':
      return (
        isKnown(sample.inputTokens) &&
        th.tokensThresholdLog !== null &&
        Math.log(sample.inputTokens + (isKnown(sample.outputTokens) ? sample.outputTokens : 0)) > th.tokensThresholdLog
      );
    case 'cost_per_request':
      return isKnown(sample.costUsd) && th.costThresholdLog !== null && Math.log(sample.costUsd) > th.costThresholdLog;
  }
}

/**
 * The metric's episode, still in progress, reported again on this call (evidence continued: true):
 * incidents resolve after a quiet period, and a deviation that lasts must stay one incident. The
 * kind is the episode's (an error-rate episode: the window's most frequent provider error now).
 * `p95` is the window's latency p95 at the last slice end.
 */
export function continuation(ctx: CheckContext, call: LlmCall, sample: CallSample, metric: DeviationMetric, p95: number): Signal {
  const { th, window } = ctx;
  const since = { continued: true, episode_started_at: new Date(ctx.episodes.get(metric) ?? sample.endMs).toISOString() };
  if (metric === 'latency_p95') {
    const figures = { baseline_p95_ms: round(th.baselineP95Ms), current_p95_ms: round(p95), ratio: round(p95 / th.baselineP95Ms) };
    return signalOf(ctx, call, sample, metric, 'provider', 'latency_degradation', { ...since, ...figures });
  }
  if (metric === 'error_rate') {
    const calls = window.sum(CALLS);
    const byType = window.errorsByType();
    const rate = calls > 0 ? round(window.sum(ERRORS) / calls, 6) : null;
    const figures = { baseline_rate: round(th.baselineErrorRate, 6), current_rate: rate, requests: calls, by_type: byType };
    return signalOf(ctx, call, sample, metric, 'provider', dominantProviderError(byType), { ...since, ...figures });
  }
  if (metric === 'output_tokens_per_sec') return signalOf(ctx, call, sample, metric, 'provider', 'latency_degradation', since);
  return signalOf(ctx, call, sample, metric, 'cost', 'token_spike', since);
}

function signalOf(
  ctx: CheckContext,
  call: LlmCall,
  sample: CallSample,
  metric: DeviationMetric,
  category: Category,
  subtype: string,
  evidence: Record<string, unknown>,
): Signal {
  return {
    category,
    subtype,
    detection_method: 'learned_baseline',
    confidence: 1,
    evidence: {
      metric,
      ...evidence,
      slot: ctx.th.slot,
      slot_label: slotLabel(ctx.th.slot),
      window_ms: ctx.config.window_ms,
      profile_ready: ctx.th.ready,
    },
    fields: {},
    window: { scope: deviationScope(ctx.key, metric), start_ms: Math.round(sample.endMs), member_spans: [call.source.spanId] },
  };
}

const add = (list: Signal[], s: Signal): Signal[] => (list === NOTHING ? [s] : [...list, s]);

/**
 * Ends the episodes the window ending with the slice just completed is back to normal for (or
 * says nothing about: no calls at all). `p95` is the window's latency p95 (any value when it holds
 * no latencies). Returns whether any ended.
 */
export function rearmAfter(w: LiveWindow, p95: number, th: Thresholds, episodes: Episodes, config: BaselineConfig): boolean {
  if (episodes.size === 0) return false;
  const before = episodes.size;
  if (episodes.has('latency_p95')) {
    const n = w.latencyCount();
    if (n === 0) episodes.delete('latency_p95');
    else if (n >= config.latency.min_window_samples && p95 < config.latency.rearm_factor * th.baselineP95Ms) episodes.delete('latency_p95');
  }
  if (episodes.has('error_rate')) {
    const calls = w.sum(CALLS);
    if (calls === 0 || w.sum(ERRORS) / calls < halfway(th.errorRateThreshold, th.baselineErrorRate)) episodes.delete('error_rate');
  }
  if (episodes.has('output_tokens_per_sec')) {
    const n = w.sum(TPS_N);
    const level = th.estimate.ltps;
    if (n === 0 || th.tpsThresholdLog === null || level === null || w.sum(TPS_LOG) / n > halfway(th.tpsThresholdLog, level))
      episodes.delete('output_tokens_per_sec');
  }
  if (episodes.has('tokens_per_request') && isSpendBack(w, TOK_N, TOK_LOG, th.tokensThresholdLog, th.global.tokens?.level))
    episodes.delete('tokens_per_request');
  if (episodes.has('cost_per_request') && isSpendBack(w, COST_N, COST_LOG, th.costThresholdLog, th.global.cost?.level))
    episodes.delete('cost_per_request');
  return episodes.size !== before;
}

function halfway(threshold: number, level: number): number {
  return (threshold + level) / 2;
}

function isSpendBack(w: LiveWindow, nField: number, logField: number, limit: number | null, level: number | undefined): boolean {
  return w.sum(nField) === 0 || limit === null || level === undefined || w.sum(logField) / w.sum(nField) < halfway(limit, level);
}

/** The most frequent error type of the window that is a provider subtype (else unknown_error). */
function dominantProviderError(byType: Record<string, number>): string {
  let best = 'unknown_error';
  let most = 0;
  for (const [type, n] of Object.entries(byType)) {
    if (n > most && isSubtypeOf('provider', type)) {
      best = type;
      most = n;
    }
  }
  return best;
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
