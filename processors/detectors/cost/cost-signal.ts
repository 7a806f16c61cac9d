// The Signal every cost check returns: evidence names the rule, the window and the key (kind and
// value, users hashed); fields carry the call's billed tokens and whatever money the check knows.
import type { Signal } from '../../../agent/core/model/signal.ts';
import type { BilledTokens } from './billed-tokens.ts';

export interface Money {
  cost_usd?: number;
  budget_usd?: number;
  overage_usd?: number;
}

export function costSignal(
  subtype: string,
  method: string,
  tokens: BilledTokens | null,
  evidence: Record<string, unknown>,
  money: Money = {},
): Signal {
  const fields: Signal['fields'] = {};
  if (tokens !== null) {
    if (tokens.input > 0) fields.input_tokens = tokens.input;
    if (tokens.output > 0) fields.output_tokens = tokens.output;
    if (tokens.total > 0) fields.total_tokens = tokens.total;
  }
  if (money.cost_usd !== undefined && money.cost_usd >= 0) fields.cost_usd = round(money.cost_usd);
  if (money.budget_usd !== undefined) fields.budget_usd = money.budget_usd;
  if (money.overage_usd !== undefined) fields.overage_usd = round(Math.max(0, money.overage_usd));
  const tokenEvidence =
    tokens !== null && tokens.reasoning > 0 ? { reasoning_tokens: tokens.reasoning, reasoning_billing: tokens.reasoningRule } : {};
  return { category: 'cost', subtype, detection_method: method, confidence: 1, evidence: { ...tokenEvidence, ...evidence }, fields };
}

/** Money to a tenth of a micro-dollar, so float sums print cleanly. */
export const round = (usd: number): number => Math.round(usd * 1e7) / 1e7;
