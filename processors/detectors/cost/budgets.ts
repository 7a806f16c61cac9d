// budget_exceeded from configured budgets: per budget and per key value (key, team, user, route,
// model), spend summed over a sliding window of event time; reported once when the sum goes over
// the budget, re-armed when it falls back below budget_rearm_ratio × budget. Calls with no cost
// on the span add nothing (their count is in evidence). LiteLLM's own BudgetExceededError is the
// gateway rules' job; this catches budgets the gateway does not enforce.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createBucketSums, type BucketSums } from '../bucket-sums.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { BilledTokens } from './billed-tokens.ts';
import type { Budget, CostConfig } from './config.ts';
import { costSignal, round } from './cost-signal.ts';
import { evidenceKey, scopeValue } from './scope-keys.ts';

/** Buckets per budget window: the window edge is 1/60 of it coarse. */
const BUCKETS = 60;

interface BudgetState {
  /** [spend, calls, calls without cost] */
  sums: BucketSums;
  armed: boolean;
}

export interface BudgetCheck {
  observe(call: LlmCall, tokens: BilledTokens | null): Signal[];
}

export function createBudgetCheck(config: CostConfig): BudgetCheck {
  const states = createRecentKeys<BudgetState>(config.max_keys);
  const budgets = config.budgets;
  return {
    observe(call, tokens) {
      if (budgets.length === 0) return [];
      const cost = call.cost.totalUsd;
      const out: Signal[] = [];
      budgets.forEach((budget, i) => {
        const value = matchedValue(call, budget);
        if (value === null) return;
        const state = states.touch(`${i}\u0000${value}`, () => ({
          sums: createBucketSums(3, budget.window_ms, Math.max(1, Math.floor(budget.window_ms / BUCKETS))),
          armed: true,
        }));
        const hasCost = cost !== null && cost > 0;
        state.sums.add(call.timing.endMs, [hasCost ? cost : 0, 1, hasCost ? 0 : 1]);
        const [spend, calls, uncosted] = state.sums.recent(budget.window_ms);
        if (!state.armed) {
          if (spend < budget.budget_usd * config.budget_rearm_ratio) state.armed = true;
          return;
        }
        if (spend <= budget.budget_usd) return;
        state.armed = false;
        out.push(
          costSignal(
            'budget_exceeded',
            'budget_window',
            tokens,
            {
              rule: `budget:${budget.scope}`,
              key_kind: budget.scope,
              key: evidenceKey(budget.scope, value),
              window_ms: budget.window_ms,
              baseline: budget.budget_usd,
              observed: round(spend),
              call_cost_usd: hasCost ? cost : null,
              calls_in_window: calls,
              calls_without_cost: uncosted,
            },
            { cost_usd: spend, budget_usd: budget.budget_usd, overage_usd: spend - budget.budget_usd },
          ),
        );
      });
      return out;
    },
  };
}

function matchedValue(call: LlmCall, budget: Budget): string | null {
  const values = scopeValue(call, budget.scope);
  if (budget.match === '*') return values[0] ?? null;
  return values.includes(budget.match) ? budget.match : null;
}
