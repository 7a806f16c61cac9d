// Token counts across vocabularies, first key present wins (newest semantic-convention name first,
// then the renamed older ones and vendor keys).
// LiteLLM's usage_object is parsed only when an attribute left a count unknown.
import type { Tokens } from '../../agent/core/model/llm-call.ts';
import type { Attributes } from '../../agent/core/model/otlp.ts';
import { firstCount } from './attribute-readers.ts';
import { readUsageObject, type HiddenParams } from './litellm.ts';

const INPUT = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens'] as const;
const OUTPUT = [
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.token_count.completion',
  'llm.usage.completion_tokens',
] as const;
const TOTAL = ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens', 'llm.token_count.total'] as const;
const REASONING = [
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.reasoning_tokens',
  'llm.usage.reasoning_tokens',
  'llm.token_count.completion_details.reasoning',
] as const;
const CACHE_READ = [
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.cache_read_input_tokens',
  'llm.token_count.prompt_details.cache_read',
] as const;
const CACHE_WRITE = [
  'gen_ai.usage.cache_creation.input_tokens',
  'gen_ai.usage.cache_write.input_tokens',
  'gen_ai.usage.cache_creation_input_tokens',
  'llm.token_count.prompt_details.cache_write',
] as const;

export function readTokens(attrs: Attributes, hidden: HiddenParams | null): Tokens {
  const tokens: Tokens = {
    input: firstCount(attrs, INPUT),
    output: firstCount(attrs, OUTPUT),
    total: firstCount(attrs, TOTAL),
    reasoning: firstCount(attrs, REASONING),
    cacheRead: firstCount(attrs, CACHE_READ),
    cacheWrite: firstCount(attrs, CACHE_WRITE),
  };
  if (
    tokens.input === null ||
    tokens.output === null ||
    tokens.reasoning === null ||
    tokens.cacheRead === null ||
    tokens.cacheWrite === null
  ) {
    const usage = readUsageObject(attrs, hidden);
    if (usage !== null) {
      tokens.input ??= usage.input;
      tokens.output ??= usage.output;
      tokens.total ??= usage.total;
      tokens.reasoning ??= usage.reasoning;
      tokens.cacheRead ??= usage.cacheRead;
      tokens.cacheWrite ??= usage.cacheWrite;
    }
  }
  if (tokens.total === null && tokens.input !== null && tokens.output !== null) tokens.total = tokens.input + tokens.output;
  return tokens;
}
