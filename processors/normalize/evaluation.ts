// Quality scores carried on an LLM span: OTel `gen_ai.evaluation.name` + `.score.value` (on the
// span or as `gen_ai.evaluation.result` events), any other numeric `gen_ai.evaluation.*`, and the
// plain score keys some evaluators write.
import type { Attributes, OtlpSpanEvent } from '../../agent/core/model/otlp.ts';
import { readIdentifier, readNumber } from './attribute-readers.ts';

const PLAIN_KEYS = ['hallucination_score', 'faithfulness', 'faithfulness_score', 'relevance_score', 'groundedness'] as const;

/** `prefixed` holds the numeric `gen_ai.evaluation.*` attributes by suffix (prefixed-attributes.ts). */
export function readEvaluation(
  attrs: Attributes,
  events: readonly OtlpSpanEvent[],
  prefixed: Record<string, number>,
): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const key in prefixed) if (key !== 'score.value') scores[key] = prefixed[key];
  addNamedScore(scores, attrs);
  for (const e of events) if (e.name === 'gen_ai.evaluation.result') addNamedScore(scores, e.attributes);
  for (const key of PLAIN_KEYS) {
    const n = readNumber(attrs[key]);
    if (n !== null) scores[key] = n;
  }
  return scores;
}

function addNamedScore(scores: Record<string, number>, attrs: Attributes): void {
  const name = readIdentifier(attrs['gen_ai.evaluation.name']);
  const value = readNumber(attrs['gen_ai.evaluation.score.value']);
  if (name !== null && value !== null) scores[name] = value;
}
