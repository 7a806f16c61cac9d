// batch_cost_overrun: the running total cost of a batch job (its calls carry a tag a batch rule
// matches; the tag names the batch) against the rule's budget. Reported once per batch, on the
// call that took the total over; a batch's total only grows, so there is nothing to re-arm.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { BilledTokens } from './billed-tokens.ts';
import type { BatchBudget, CostConfig } from './config.ts';
import { costSignal, round } from './cost-signal.ts';

interface BatchState {
  totalUsd: number;
  calls: number;
  firstMs: number;
  reported: boolean;
}

export interface BatchCostCheck {
  observe(call: LlmCall, tokens: BilledTokens | null): Signal[];
}

export function createBatchCostCheck(config: CostConfig): BatchCostCheck {
  const states = createRecentKeys<BatchState>(config.max_keys);
  const rules = config.batches;
  return {
    observe(call, tokens) {
      if (rules.length === 0 || call.identity.tags.length === 0) return [];
      const cost = call.cost.totalUsd;
      if (cost === null || cost <= 0) return [];
      const out: Signal[] = [];
      rules.forEach((rule, i) => {
        for (const tag of batchTags(call.identity.tags, rule)) {
          const s = states.touch(`${i}\u0000${tag}`, () => ({ totalUsd: 0, calls: 0, firstMs: call.timing.endMs, reported: false }));
          s.totalUsd += cost;
          s.calls++;
          s.firstMs = Math.min(s.firstMs, call.timing.endMs);
          if (s.reported || s.totalUsd <= rule.budget_usd) continue;
          s.reported = true;
          out.push(
            costSignal(
              'batch_cost_overrun',
              'batch_total',
              tokens,
              {
                rule: rule.tag !== undefined ? 'batch:tag' : 'batch:tag_prefix',
                key_kind: 'batch',
                key: tag,
                window: 'batch',
                window_ms: Math.round(call.timing.endMs - s.firstMs),
                baseline: rule.budget_usd,
                observed: round(s.totalUsd),
                calls: s.calls,
              },
              { cost_usd: s.totalUsd, budget_usd: rule.budget_usd, overage_usd: s.totalUsd - rule.budget_usd },
            ),
          );
        }
      });
      return out;
    },
  };
}

function batchTags(tags: readonly string[], rule: BatchBudget): string[] {
  if (rule.tag !== undefined) return tags.includes(rule.tag) ? [rule.tag] : [];
  const prefix = rule.tag_prefix as string;
  return [...new Set(tags.filter((t) => t.startsWith(prefix) && t.length > prefix.length))];
}
