// cache_miss_storm: per route and model, the share of input tokens served from the prompt cache
// over the current window against the window before it (the rolling level). A storm is the
// current ratio collapsing below collapse_ratio × baseline, for a key whose baseline was worth
// caching. Reported once; re-armed when the ratio climbs back to rearm_ratio × the storm's
// baseline, or once the storm has lasted a whole baseline window (the lower level is the new
// normal). Once a key has reported cached tokens, a call that reports none counts as a miss.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createBucketSums, type BucketSums } from '../bucket-sums.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { BilledTokens } from './billed-tokens.ts';
import type { CostConfig } from './config.ts';
import { costSignal } from './cost-signal.ts';
import { routeModelKey } from './scope-keys.ts';

interface CacheState {
  /** [cached input tokens, input tokens, calls] */
  sums: BucketSums;
  /** Set while a storm is on: the baseline ratio it was judged against and when it started. */
  storm: { baseline: number; sinceMs: number } | null;
}

export interface CacheMissStormCheck {
  observe(call: LlmCall, tokens: BilledTokens | null): Signal | null;
}

export function createCacheMissStormCheck(config: CostConfig): CacheMissStormCheck {
  const c = config.cache_miss_storm;
  const states = createRecentKeys<CacheState>(config.max_keys);
  const bucketMs = Math.max(1, Math.floor(c.window_ms / 10));
  return {
    observe(call, tokens) {
      const input = call.tokens.input;
      if (input === null || input === 0 || (call.attempt && call.attempt.number > 1)) return null;
      const { key, route, model } = routeModelKey(call);
      let state = states.get(key);
      if (call.tokens.cacheRead === null && state === undefined) return null;
      state = states.touch(key, () => ({ sums: createBucketSums(3, c.window_ms + c.baseline_window_ms, bucketMs), storm: null }));
      const now = call.timing.endMs;
      state.sums.add(now, [Math.min(call.tokens.cacheRead ?? 0, input), input, 1]);
      const [curCached, curInput, curCalls] = state.sums.recent(c.window_ms);
      const [baseCached, baseInput, baseCalls] = state.sums.recent(c.baseline_window_ms, c.window_ms);
      if (curCalls < c.min_calls || baseCalls < c.min_calls) return null;
      const current = curCached / curInput;
      const baseline = baseCached / baseInput;
      if (state.storm !== null) {
        if (current >= state.storm.baseline * c.rearm_ratio || now - state.storm.sinceMs >= c.baseline_window_ms) state.storm = null;
        return null;
      }
      if (baseline < c.min_baseline_ratio || current >= baseline * c.collapse_ratio) return null;
      state.storm = { baseline, sinceMs: now };
      return costSignal(
        'cache_miss_storm',
        'cache_hit_ratio',
        tokens,
        {
          rule: `cache_ratio_below_${c.collapse_ratio}x`,
          key_kind: route === null ? 'model' : 'route_model',
          key: route === null ? model : `${route} ${model}`,
          window_ms: c.window_ms,
          baseline_window_ms: c.baseline_window_ms,
          baseline: round3(baseline),
          observed: round3(current),
          calls: curCalls,
          baseline_calls: baseCalls,
        },
        { cost_usd: call.cost.totalUsd ?? undefined },
      );
    },
  };
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
