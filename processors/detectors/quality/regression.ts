// regression: per provider and requested model, the share of successful chat calls that carry a
// quality finding (the other checks' verdicts, once the batch's expensive checks are back) over
// the judged window, against the baseline window just before it. When the model that answers
// (gen_ai.response.model) changes to one not seen in the baseline, the baseline is frozen as it
// stood and the calls since the change are counted exactly, so the old model's answers are
// compared with the new one's for window_ms. A regression needs enough calls on both sides,
// rate_ratio × the baseline rate, min_rate_rise above it and a z statistic of min_z
// (min_z_after_change right after a change, judged once rather than on every sliding window): a
// constant background rate never fires, only a rise. It is reported once, as a window-level
// finding on the call that tipped it, then the model cools down.
import type { LlmCall, TelemetryItem } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createBucketSums, type BucketSums } from '../bucket-sums.ts';
import { createRecentKeys, type RecentKeys } from '../recent-keys.ts';
import type { RegressionConfig } from './config.ts';
import { CHAT_OPERATIONS, qualitySignal } from './detect-quality.ts';

interface ModelChange {
  readonly from: string;
  readonly to: string;
  readonly atMs: number;
  /** The baseline as it stood when the new model first answered, and exact counts since. */
  readonly before: readonly number[];
  readonly after: number[];
}

interface RegressionState {
  /** [calls, failing calls, then one count per counted subtype] */
  sums: BucketSums;
  /** Response models seen, with when last: a model back from a short absence is no change. */
  seen: RecentKeys<{ lastMs: number }>;
  current: string | null;
  change: ModelChange | null;
  /** The latest failing calls (span id, end), the member spans of a finding. */
  failing: { spanId: string; atMs: number }[];
  reportedMs: number;
}

export interface RegressionCheck {
  /** Counts the batch's judged calls; a call that tips a regression gets its signal added (in place). */
  observe(calls: TelemetryItem[]): void;
}

const MAX_MEMBER_SPANS = 20;
const MAX_RESPONSE_MODELS = 8;

export function createRegressionCheck(c: RegressionConfig): RegressionCheck {
  const states = createRecentKeys<RegressionState>(c.max_keys);
  const counted = new Map(c.subtypes.map((s, i) => [s, i]));
  const bucketMs = Math.max(1, Math.floor(c.window_ms / 20));
  const fresh = (): RegressionState => ({
    sums: createBucketSums(2 + counted.size, c.window_ms + c.baseline_window_ms, bucketMs),
    seen: createRecentKeys<{ lastMs: number }>(MAX_RESPONSE_MODELS),
    current: null,
    change: null,
    failing: [],
    reportedMs: -Infinity,
  });

  return {
    observe(calls) {
      calls.forEach((item, i) => {
        if (item.kind !== 'llm' || item.outcome !== 'ok' || !CHAT_OPERATIONS.has(item.operation)) return;
        const signal = observeCall(item);
        if (signal !== null) calls[i] = { ...item, signals: [...item.signals, signal] };
      });
    },
  };

  function observeCall(call: LlmCall): Signal | null {
    const model = call.requestModel ?? call.modelGroup ?? call.responseModel ?? 'unknown';
    const state = states.touch(`${call.provider}\u0000${model}`, fresh);
    const atMs = call.timing.endMs;
    noteResponseModel(state, call.responseModel, atMs);
    const row = new Array<number>(2 + counted.size).fill(0);
    row[0] = 1;
    for (const s of call.signals) {
      const k = s.category === 'quality' ? counted.get(s.subtype) : undefined;
      if (k !== undefined) row[2 + k] = 1;
    }
    const failing = row.some((v, k) => k >= 2 && v > 0);
    if (failing) row[1] = 1;
    state.sums.add(atMs, row);
    const change = state.change;
    if (change !== null && atMs >= change.atMs && atMs - change.atMs < c.window_ms) row.forEach((v, k) => (change.after[k] += v));
    // Only a failing call raises the rate, so only a failing call can tip it.
    if (!failing) return null;
    state.failing.push({ spanId: call.source.spanId, atMs });
    if (state.failing.length > MAX_MEMBER_SPANS) state.failing.shift();
    return judge(state, call.provider, model);
  }

  function noteResponseModel(state: RegressionState, responseModel: string | null, atMs: number): void {
    if (responseModel === null || responseModel === '') return;
    const lastSeen = state.seen.get(responseModel)?.lastMs;
    if (state.current !== null && responseModel !== state.current && (lastSeen === undefined || atMs - lastSeen > c.baseline_window_ms)) {
      state.change = {
        from: state.current,
        to: responseModel,
        atMs,
        before: state.sums.recent(c.baseline_window_ms),
        after: new Array<number>(2 + counted.size).fill(0),
      };
    }
    state.current = responseModel;
    state.seen.touch(responseModel, () => ({ lastMs: atMs })).lastMs = atMs;
  }

  function judge(state: RegressionState, provider: string, model: string): Signal | null {
    const nowMs = state.sums.latestMs();
    if (nowMs - state.reportedMs < c.cool_down_ms) return null;
    // Within window_ms of a change of answering model, the change splits the calls; else the
    // latest window is judged against the one before it.
    const change = state.change !== null && nowMs - state.change.atMs < c.window_ms ? state.change : null;
    const endMs = Math.floor(nowMs / bucketMs) * bucketMs + bucketMs;
    const startMs = change !== null ? change.atMs : endMs - c.window_ms;
    const after = change !== null ? change.after : state.sums.recent(c.window_ms);
    const before = change !== null ? change.before : state.sums.recent(c.baseline_window_ms, c.window_ms);
    const [callsAfter, failuresAfter] = after;
    const [callsBefore, failuresBefore] = before;
    if (callsAfter < c.min_calls_after || callsBefore < c.min_calls_before) return null;
    const rateAfter = failuresAfter / callsAfter;
    const rateBefore = failuresBefore / callsBefore;
    if (rateAfter < c.rate_ratio * rateBefore || rateAfter - rateBefore < c.min_rate_rise) return null;
    const z = zStatistic(failuresBefore, callsBefore, failuresAfter, callsAfter);
    if (z < (change !== null ? c.min_z_after_change : c.min_z)) return null;
    state.reportedMs = nowMs;
    const rising = c.subtypes
      .map((subtype, k) => ({
        subtype,
        failures_before: before[2 + k],
        failures_after: after[2 + k],
        rate_before: round3(before[2 + k] / callsBefore),
        rate_after: round3(after[2 + k] / callsAfter),
      }))
      .filter((s) => s.rate_after > s.rate_before)
      .sort((a, b) => b.rate_after - b.rate_before - (a.rate_after - a.rate_before));
    const signal = qualitySignal(
      'regression',
      change !== null ? 'response_model_change' : 'failure_rate',
      `quality_failure_rate_x${c.rate_ratio}`,
      0.9,
      {
        key_kind: 'model',
        key: `${provider}/${model}`,
        window_ms: change !== null ? Math.round(nowMs - change.atMs) : c.window_ms,
        baseline_window_ms: c.baseline_window_ms,
        baseline: round3(rateBefore),
        observed: round3(rateAfter),
        failure_rate_before: round3(rateBefore),
        failures_before: failuresBefore,
        calls_before: callsBefore,
        failure_rate_after: round3(rateAfter),
        failures_after: failuresAfter,
        calls_after: callsAfter,
        rate_ratio: rateBefore > 0 ? round3(rateAfter / rateBefore) : null,
        z: round3(z),
        response_model_before: change?.from ?? null,
        response_model_after: change?.to ?? null,
        model_changed_at: change !== null ? new Date(change.atMs).toISOString() : null,
        rising_subtypes: rising,
      },
    );
    signal.window = {
      scope: `quality/${provider}/${model}`,
      start_ms: startMs,
      member_spans: state.failing.filter((f) => f.atMs >= startMs).map((f) => f.spanId),
    };
    return signal;
  }
}

/** Two-proportion z statistic of the rise from p1 = f1/n1 to p2 = f2/n2, pooled variance. */
function zStatistic(f1: number, n1: number, f2: number, n2: number): number {
  const pooled = (f1 + f2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return se > 0 ? (f2 / n2 - f1 / n1) / se : 0;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
