// The deviation rules, on event time, once per episode per key and metric:
//   latency   the window p95 of successful calls above the latency threshold (factor × baseline
//             p95, and spread_multiple learned spreads), with at least min_slow_calls over it
//             → provider/latency_degradation
//   errors    the window error rate at least factor × and min_increase above the baseline rate,
//             min_errors failed calls, and a Poisson tail below p_value (count-aware: one error at
//             low traffic proves nothing) → provider/<the window's most frequent error type>
//   tokens/s  the window geometric mean below drop_ratio × baseline → provider/latency_degradation
//   spend     tokens or cost per request (geometric mean) above factor × baseline → cost/token_spike
// An episode re-arms when its figure is back halfway (in log space) between threshold and baseline.
// Each finding is a window-level signal: its failure id comes from the key, metric and start.
import type { DeviationMetric } from '../../agent/core/model/baseline.ts';
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { isSubtypeOf, type Category } from '../../agent/core/model/taxonomy.ts';
import type { CallSample } from './call-sample.ts';
import type { BaselineConfig } from './config.ts';
import { nearestRank } from './figures.ts';
import type { CompletedSlice, LiveWindow } from './live-window.ts';
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

export function checkCall(call: LlmCall, sample: CallSample, ctx: CheckContext): Signal[] {
  const { th, window, episodes, config } = ctx;
  const out: Signal[] = [];
  const emit = (metric: DeviationMetric, category: Category, subtype: string, evidence: Record<string, unknown>) => {
    episodes.set(metric, sample.endMs);
    out.push({
      category,
      subtype,
      detection_method: 'learned_baseline',
      confidence: 1,
      evidence: {
        metric,
        ...evidence,
        slot: th.slot,
        slot_label: slotLabel(th.slot),
        window_ms: config.window_ms,
        profile_ready: th.ready,
      },
      fields: {},
      window: { scope: deviationScope(ctx.key, metric), start_ms: Math.round(sample.endMs), member_spans: [call.source.spanId] },
    });
  };

  if (sample.latencyMs !== null && !episodes.has('latency_p95')) {
    const n = window.latencyCount();
    const slow = window.slowCount();
    // The nearest-rank p95 of n values is above the threshold exactly when more than n − ⌈0.95 n⌉ are.
    if (n >= config.latency.min_window_samples && slow >= config.latency.min_slow_calls && slow > n - Math.ceil(0.95 * n)) {
      const p95 = nearestRank(window.sortedLatencies(), 0.95);
      emit('latency_p95', 'provider', 'latency_degradation', {
        baseline_p95_ms: round(th.baselineP95Ms),
        current_p95_ms: round(p95),
        ratio: round(p95 / th.baselineP95Ms),
        threshold_ms: round(th.latencyThresholdMs),
        samples: n,
        slow_calls: slow,
      });
    }
  }

  if (!sample.ok && !episodes.has('error_rate')) {
    const t = window.totals();
    const rate = t.calls > 0 ? t.errors / t.calls : 0;
    if (t.errors >= config.error_rate.min_errors && rate >= th.errorRateThreshold) {
      const p = poissonTail(t.errors, t.calls * th.baselineErrorRate);
      if (p < config.error_rate.p_value) {
        const byType = window.errorsByType();
        emit('error_rate', 'provider', dominantProviderError(byType), {
          baseline_rate: round(th.baselineErrorRate, 6),
          current_rate: round(rate, 6),
          ratio: th.baselineErrorRate > 0 ? round(rate / th.baselineErrorRate) : null,
          errors: t.errors,
          requests: t.calls,
          p_value: Number(p.toPrecision(3)),
          by_type: byType,
        });
      }
    }
  }

  if (sample.tps !== null && th.tpsThresholdLog !== null && th.estimate.ltps !== null && !episodes.has('output_tokens_per_sec')) {
    const { n, log } = window.totals().tps;
    if (n >= config.throughput.min_window_samples && log / n < th.tpsThresholdLog) {
      const baseline = Math.exp(th.estimate.ltps);
      const current = Math.exp(log / n);
      emit('output_tokens_per_sec', 'provider', 'latency_degradation', {
        baseline_output_tokens_per_sec: round(baseline),
        current_output_tokens_per_sec: round(current),
        ratio: round(current / baseline),
        samples: n,
      });
    }
  }

  const spend = (
    metric: 'tokens_per_request' | 'cost_per_request',
    m: { n: number; log: number },
    limit: number | null,
    level: number | null,
  ) => {
    if (limit === null || level === null || episodes.has(metric)) return;
    if (m.n < config.spend.min_window_samples || m.log / m.n <= limit) return;
    const baseline = Math.exp(level);
    const current = Math.exp(m.log / m.n);
    const digits = metric === 'cost_per_request' ? 8 : 1;
    emit(metric, 'cost', 'token_spike', {
      baseline: round(baseline, digits),
      current: round(current, digits),
      ratio: round(current / baseline),
      samples: m.n,
    });
  };
  if (sample.inputTokens !== null)
    spend('tokens_per_request', window.totals().tokens, th.tokensThresholdLog, th.global.tokens?.level ?? null);
  if (sample.costUsd !== null) spend('cost_per_request', window.totals().cost, th.costThresholdLog, th.global.cost?.level ?? null);
  return out;
}

/**
 * Ends the episodes the window that ended with slice c is back to normal for (or says nothing
 * about: no calls at all). Returns whether any ended.
 */
export function rearmAfter(c: CompletedSlice, th: Thresholds, episodes: Episodes, config: BaselineConfig): boolean {
  if (episodes.size === 0) return false;
  const before = episodes.size;
  const w = c.window;
  const halfway = (threshold: number, level: number) => (threshold + level) / 2;
  if (episodes.has('latency_p95')) {
    const lat = c.windowLatencies;
    if (lat.length === 0) episodes.delete('latency_p95');
    else if (lat.length >= config.latency.min_window_samples && nearestRank(lat, 0.95) < config.latency.rearm_factor * th.baselineP95Ms)
      episodes.delete('latency_p95');
  }
  if (episodes.has('error_rate')) {
    if (w.calls === 0 || w.errors / w.calls < halfway(th.errorRateThreshold, th.baselineErrorRate)) episodes.delete('error_rate');
  }
  if (episodes.has('output_tokens_per_sec')) {
    const level = th.estimate.ltps;
    if (w.tps.n === 0 || th.tpsThresholdLog === null || level === null || w.tps.log / w.tps.n > halfway(th.tpsThresholdLog, level))
      episodes.delete('output_tokens_per_sec');
  }
  const spendBack = (m: { n: number; log: number }, limit: number | null, level: number | undefined) =>
    m.n === 0 || limit === null || level === undefined || m.log / m.n < halfway(limit, level);
  if (episodes.has('tokens_per_request') && spendBack(w.tokens, th.tokensThresholdLog, th.global.tokens?.level))
    episodes.delete('tokens_per_request');
  if (episodes.has('cost_per_request') && spendBack(w.cost, th.costThresholdLog, th.global.cost?.level))
    episodes.delete('cost_per_request');
  return episodes.size !== before;
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
