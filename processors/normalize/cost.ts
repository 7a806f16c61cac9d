// Cost in USD: LiteLLM v1 `gen_ai.cost.*` (cost_breakdown keys), v2 `litellm.cost.*`,
// OpenInference `llm.cost.*`; the total falls back to `hidden_params.response_cost`
// (v1 has no plain response_cost attribute). Every cost attribute lands in `breakdown`
// (collected by prefixed-attributes.ts).
import type { Cost } from '../../agent/core/model/llm-call.ts';
import type { Attributes } from '../../agent/core/model/otlp.ts';
import { firstNumber, readNumber } from './attribute-readers.ts';
import type { HiddenParams } from './litellm.ts';

const TOTAL = ['gen_ai.cost.total_cost', 'litellm.cost.total', 'llm.cost.total', 'gen_ai.usage.cost'] as const;
const INPUT = ['gen_ai.cost.input_cost', 'litellm.cost.input', 'llm.cost.prompt'] as const;
const OUTPUT = ['gen_ai.cost.output_cost', 'litellm.cost.output', 'llm.cost.completion'] as const;

export function readCost(attrs: Attributes, hidden: HiddenParams | null, breakdown: Record<string, number>): Cost {
  let totalUsd = firstNumber(attrs, TOTAL);
  if (totalUsd === null && hidden !== null) totalUsd = readNumber(hidden.response_cost);
  return { totalUsd, inputUsd: firstNumber(attrs, INPUT), outputUsd: firstNumber(attrs, OUTPUT), breakdown };
}
