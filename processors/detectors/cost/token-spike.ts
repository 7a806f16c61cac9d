// token_spike: a request whose billed tokens exceed factor × the rolling median of its route and
// model (and min_tokens). A route that is always large has a large median, so its large requests
// are normal. Once reported, the key re-arms when a request is back under the threshold, so a
// run of oversized requests is one episode. The spike itself joins the median afterwards.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { BilledTokens } from './billed-tokens.ts';
import type { CostConfig } from './config.ts';
import { costSignal } from './cost-signal.ts';
import { createRollingMedian, type RollingMedian } from './rolling-median.ts';
import { routeModelKey } from './scope-keys.ts';

interface SpikeState {
  median: RollingMedian;
  armed: boolean;
}

export interface TokenSpikeCheck {
  observe(call: LlmCall, tokens: BilledTokens | null): Signal | null;
}

export function createTokenSpikeCheck(config: CostConfig): TokenSpikeCheck {
  const c = config.token_spike;
  const states = createRecentKeys<SpikeState>(config.max_keys);
  return {
    observe(call, tokens) {
      // A retry attempt repeats its request's tokens; count each request once.
      if (tokens === null || tokens.total === 0 || (call.attempt && call.attempt.number > 1)) return null;
      const { key, route, model } = routeModelKey(call);
      const state = states.touch(key, () => ({ median: createRollingMedian(c.window_ms, c.max_samples_per_key), armed: true }));
      const median = state.median.median();
      const samples = state.median.size();
      state.median.add(call.timing.endMs, tokens.total);
      if (median === null || samples < c.min_samples) return null;
      const threshold = Math.max(c.factor * median, c.min_tokens);
      if (tokens.total <= threshold) {
        state.armed = true;
        return null;
      }
      if (!state.armed) return null;
      state.armed = false;
      return costSignal(
        'token_spike',
        'rolling_median',
        tokens,
        {
          rule: `median_x${c.factor}`,
          key_kind: route === null ? 'model' : 'route_model',
          key: route === null ? model : `${route} ${model}`,
          window_ms: c.window_ms,
          baseline: median,
          observed: tokens.total,
          threshold,
          samples,
        },
        { cost_usd: call.cost.totalUsd ?? undefined },
      );
    },
  };
}
