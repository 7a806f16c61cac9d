// spend_spike: per team (else key, else model), the billed-token rate of a short window against
// the rate over the baseline window before it. Catches a runaway job or retry-loop bug whose
// requests are each ordinary (no token_spike) but many times as numerous — the cost explosion
// a budget only sees once the money is gone. Needs min_requests in the window and a baseline of
// min_baseline_requests (a new team has no "normal"); reported once per episode, re-armed when
// the rate falls back under rearm_ratio × the threshold. The signal carries the window's spend.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createBucketSums, type BucketSums } from '../bucket-sums.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { BilledTokens } from './billed-tokens.ts';
import type { CostConfig } from './config.ts';
import { costSignal } from './cost-signal.ts';
import { evidenceKey, scopeValue } from './scope-keys.ts';

interface SpendState {
  /** [billed tokens, requests, cost usd] */
  sums: BucketSums;
  firstMs: number;
  spikeThreshold: number | null;
}

export interface SpendSpikeCheck {
  observe(call: LlmCall, tokens: BilledTokens | null): Signal | null;
}

export function createSpendSpikeCheck(config: CostConfig): SpendSpikeCheck {
  const c = config.spend_spike;
  const states = createRecentKeys<SpendState>(config.max_keys);
  const bucketMs = Math.max(1, Math.floor(c.window_ms / 6));
  return {
    observe(call, tokens) {
      if (!c.enabled || tokens === null || tokens.total <= 0) return null;
      const [kind, value] = keyOf(call);
      const now = call.timing.endMs;
      const state = states.touch(`${kind}\u0000${value}`, () => ({
        sums: createBucketSums(3, c.window_ms + c.baseline_window_ms, bucketMs),
        firstMs: now,
        spikeThreshold: null,
      }));
      state.sums.add(now, [tokens.total, 1, call.cost.totalUsd !== null && call.cost.totalUsd > 0 ? call.cost.totalUsd : 0]);
      const [curTokens, curRequests, curUsd] = state.sums.recent(c.window_ms);
      const [baseTokens, baseRequests] = state.sums.recent(c.baseline_window_ms, c.window_ms);
      // The baseline rate is over the part of the baseline window this key has existed for.
      const baseSpanMs = Math.min(c.baseline_window_ms, Math.max(0, now - c.window_ms - state.firstMs));
      const rate = curTokens / (c.window_ms / 1000);
      if (state.spikeThreshold !== null) {
        if (rate < state.spikeThreshold * c.rearm_ratio) state.spikeThreshold = null;
        return null;
      }
      if (curRequests < c.min_requests || baseRequests < c.min_baseline_requests || baseSpanMs < c.window_ms) return null;
      const baseRate = baseTokens / (baseSpanMs / 1000);
      const threshold = c.factor * baseRate;
      if (rate < threshold) return null;
      state.spikeThreshold = threshold;
      return costSignal(
        'spend_spike',
        'spend_rate',
        tokens,
        {
          rule: `token_rate_x${c.factor}`,
          key_kind: kind,
          key: evidenceKey(kind, value),
          window_ms: c.window_ms,
          baseline_window_ms: baseSpanMs,
          baseline: Math.round(baseRate),
          observed: Math.round(rate),
          ratio: Math.round((rate / Math.max(baseRate, 1e-9)) * 10) / 10,
          requests: curRequests,
          baseline_requests: baseRequests,
          window_tokens: curTokens,
        },
        { cost_usd: curUsd },
      );
    },
  };
}

function keyOf(call: LlmCall): ['team' | 'key' | 'model', string] {
  for (const kind of ['team', 'key', 'model'] as const) {
    const v = scopeValue(call, kind)[0];
    if (v !== undefined) return [kind, v];
  }
  return ['model', 'unknown'];
}
