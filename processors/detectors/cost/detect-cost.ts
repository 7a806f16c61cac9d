// The cost checks over one LLM call, in one place for the detectors processor: billed tokens are
// worked out once (reasoning counted by the provider's billing rule) and handed to each check.
// Every check keeps its own bounded, event-time state.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createAgentLoopCheck } from './agent-loop.ts';
import { createBatchCostCheck } from './batch-cost.ts';
import { billedTokens } from './billed-tokens.ts';
import { createBudgetCheck } from './budgets.ts';
import { createCacheMissStormCheck } from './cache-miss-storm.ts';
import type { CostConfig } from './config.ts';
import { createRetryStormCheck } from './retry-storm.ts';
import { createSpendSpikeCheck } from './spend-spike.ts';
import { createTokenSpikeCheck } from './token-spike.ts';

export interface CostDetectors {
  observe(call: LlmCall): Signal[];
}

export function createCostDetectors(config: CostConfig): CostDetectors {
  const separate = new Set(config.reasoning_billed_separately);
  const budgets = createBudgetCheck(config);
  const batches = createBatchCostCheck(config);
  const spikes = createTokenSpikeCheck(config);
  const cache = createCacheMissStormCheck(config);
  const retries = createRetryStormCheck(config);
  const loops = createAgentLoopCheck(config);
  const spend = createSpendSpikeCheck(config);
  return {
    observe(call) {
      const tokens = billedTokens(call, separate);
      const out = [...budgets.observe(call, tokens), ...batches.observe(call, tokens)];
      for (const s of [
        spikes.observe(call, tokens),
        spend.observe(call, tokens),
        cache.observe(call, tokens),
        retries.observe(call, tokens),
        loops.observe(call, tokens),
      ])
        if (s !== null) out.push(s);
      return out;
    },
  };
}
