// LiteLLM-only sources on the default engine's LLM span: `hidden_params` (a JSON string with
// model_id, api_base, response_cost, additional_headers, usage_object) and
// `metadata.usage_object` (a Python repr dict: the only v1 place for reasoning and cached
// tokens). Both are parsed only when a field needs them.
import type { AttributeValue, Attributes } from '../../agent/core/model/otlp.ts';
import { isObject, readCount, readObject } from './attribute-readers.ts';
import { parsePythonLiteral } from './python-literal.ts';

export type HiddenParams = Record<string, AttributeValue>;

export function readHiddenParams(attrs: Attributes): HiddenParams | null {
  return attrs['hidden_params'] === undefined ? null : readObject(attrs['hidden_params']);
}

export interface UsageDetails {
  input: number | null;
  output: number | null;
  total: number | null;
  reasoning: number | null;
  cacheRead: number | null;
  cacheWrite: number | null;
}

/** Token counts from `metadata.usage_object` (Python repr), else `hidden_params.usage_object`. */
export function readUsageObject(attrs: Attributes, hidden: HiddenParams | null): UsageDetails | null {
  const repr = attrs['metadata.usage_object'];
  let usage: unknown = undefined;
  if (typeof repr === 'string' && repr !== '') usage = repr.charCodeAt(0) === 0x7b ? parsePythonLiteral(repr) : undefined;
  else if (isObject(repr)) usage = repr;
  if (!isObject(usage) && hidden !== null) usage = hidden.usage_object;
  if (!isObject(usage)) return null;
  const prompt = isObject(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {};
  const completion = isObject(usage.completion_tokens_details) ? usage.completion_tokens_details : {};
  return {
    input: readCount(usage.prompt_tokens),
    output: readCount(usage.completion_tokens),
    total: readCount(usage.total_tokens),
    reasoning: readCount(completion.reasoning_tokens),
    cacheRead: readCount(prompt.cached_tokens) ?? readCount(usage.cache_read_input_tokens),
    cacheWrite: readCount(usage.cache_creation_input_tokens) ?? readCount(prompt.cache_creation_tokens),
  };
}
