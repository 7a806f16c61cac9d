// What the money of one LLM call bought, for the cost metric's `outcome` label and the impact
// processor: `ok` (a first attempt that answered), `failed` (an attempt that failed, whether or not
// a later one recovered the request), `retried` (an answer on a retry of the same model) or
// `fallback` (an answer from another model after the first one failed). Attempt numbers come from
// trace_assembler; a call it did not mark is a request of its own.
import type { LlmCall } from './llm-call.ts';

export const COST_OUTCOMES = ['ok', 'failed', 'retried', 'fallback'] as const;
export type CostOutcome = (typeof COST_OUTCOMES)[number];

export function costOutcomeOf(call: Pick<LlmCall, 'outcome' | 'attempt'>): CostOutcome {
  if (call.outcome === 'error') return 'failed';
  const attempt = call.attempt;
  if (!attempt || attempt.number === 1) return 'ok';
  return attempt.fallback ? 'fallback' : 'retried';
}
