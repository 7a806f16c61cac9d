// retry_storm: per provider and model, mean attempts per client request over the current window
// against the window before it. A request counts once, on its last attempt, as the larger of the
// attempts trace_assembler saw and 1 + the retries the gateway reported. A storm needs
// min_requests, a mean of at least min_mean_attempts and factor × the baseline mean; one retry
// that recovered moves the mean by a fraction of an attempt. Reported once per episode,
// re-armed when the mean falls below rearm_ratio × the storm's threshold.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createBucketSums, type BucketSums } from '../bucket-sums.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { BilledTokens } from './billed-tokens.ts';
import type { CostConfig } from './config.ts';
import { costSignal } from './cost-signal.ts';

interface RetryState {
  /** [attempts, requests] */
  sums: BucketSums;
  stormThreshold: number | null;
}

export interface RetryStormCheck {
  observe(call: LlmCall, tokens: BilledTokens | null): Signal | null;
}

export function createRetryStormCheck(config: CostConfig): RetryStormCheck {
  const c = config.retry_storm;
  const states = createRecentKeys<RetryState>(config.max_keys);
  const bucketMs = Math.max(1, Math.floor(c.window_ms / 10));
  return {
    observe(call, tokens) {
      if (call.attempt && call.attempt.number < call.attempt.of) return null;
      const attempts = Math.max(call.attempt?.of ?? 1, 1 + (call.retry.retries ?? 0));
      const model = call.modelGroup ?? call.requestModel ?? call.responseModel ?? 'unknown';
      const state = states.touch(`${call.provider}\u0000${model}`, () => ({
        sums: createBucketSums(2, c.window_ms + c.baseline_window_ms, bucketMs),
        stormThreshold: null,
      }));
      state.sums.add(call.timing.endMs, [attempts, 1]);
      const [curAttempts, curRequests] = state.sums.recent(c.window_ms);
      if (curRequests < c.min_requests) return null;
      const mean = curAttempts / curRequests;
      if (state.stormThreshold !== null) {
        if (mean < state.stormThreshold * c.rearm_ratio) state.stormThreshold = null;
        return null;
      }
      const [baseAttempts, baseRequests] = state.sums.recent(c.baseline_window_ms, c.window_ms);
      const baseline = baseRequests >= c.min_requests ? baseAttempts / baseRequests : 1;
      const threshold = Math.max(c.min_mean_attempts, c.factor * baseline);
      if (mean < threshold) return null;
      state.stormThreshold = threshold;
      return costSignal(
        'retry_storm',
        'attempt_ratio',
        tokens,
        {
          rule: `attempts_x${c.factor}`,
          key_kind: 'model',
          key: `${call.provider}/${model}`,
          window_ms: c.window_ms,
          baseline_window_ms: c.baseline_window_ms,
          baseline: round2(baseline),
          observed: round2(mean),
          threshold: round2(threshold),
          requests: curRequests,
          attempts: curAttempts,
        },
        { cost_usd: call.cost.totalUsd ?? undefined },
      );
    },
  };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
