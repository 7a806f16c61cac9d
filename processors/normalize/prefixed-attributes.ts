// The only attributes read by scanning keys rather than looking them up: open-ended families
// (`gen_ai.cost.*`, `litellm.cost.*`, `llm.cost.*`, `gen_ai.evaluation.*`). One pass over the
// keys, with a one-char test before any startsWith, because it runs on every LLM span.
import type { Attributes } from '../../agent/core/model/otlp.ts';
import { readNumber } from './attribute-readers.ts';

export interface PrefixedNumbers {
  /** Cost attributes by suffix (input_cost, total, cache_read…). */
  cost: Record<string, number>;
  /** `gen_ai.evaluation.*` numbers by suffix. */
  evaluation: Record<string, number>;
}

const GEN_AI_COST = 'gen_ai.cost.';
const GEN_AI_EVALUATION = 'gen_ai.evaluation.';
const LITELLM_COST = 'litellm.cost.';
const LLM_COST = 'llm.cost.';

export function collectPrefixedNumbers(attrs: Attributes): PrefixedNumbers {
  const cost: Record<string, number> = {};
  const evaluation: Record<string, number> = {};
  for (const key in attrs) {
    const c0 = key.charCodeAt(0);
    if (c0 === 0x67 /* g */) {
      const c7 = key.charCodeAt(7);
      if (c7 === 0x63 /* c */ && key.startsWith(GEN_AI_COST)) put(cost, key, GEN_AI_COST.length, attrs);
      else if (c7 === 0x65 /* e */ && key.startsWith(GEN_AI_EVALUATION)) put(evaluation, key, GEN_AI_EVALUATION.length, attrs);
    } else if (c0 === 0x6c /* l */) {
      if (key.charCodeAt(8) === 0x63 && key.startsWith(LITELLM_COST)) put(cost, key, LITELLM_COST.length, attrs);
      else if (key.charCodeAt(4) === 0x63 && key.startsWith(LLM_COST)) put(cost, key, LLM_COST.length, attrs);
    }
  }
  return { cost, evaluation };
}

function put(into: Record<string, number>, key: string, prefixLength: number, attrs: Attributes): void {
  const n = readNumber(attrs[key]);
  if (n !== null) into[key.slice(prefixLength)] = n;
}
