// Finish reasons normalised to the output-message schema's closed set (stop, length,
// content_filter, tool_call, error). Provider spellings follow LiteLLM's map_finish_reason
// (so a span from any gateway or SDK means the same); the raw values stay beside them on the call.
import type { Attributes } from '../../agent/core/model/otlp.ts';
import { MAX_LIST_ITEMS, readIdentifier, readIdentifierList } from './attribute-readers.ts';

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_call' | 'error';

const FINISH_REASONS: Readonly<Record<string, FinishReason>> = {
  stop: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  eos: 'stop',
  complete: 'stop',
  completed: 'stop',
  finish_reason_unspecified: 'stop',
  length: 'length',
  max_tokens: 'length',
  max_output_tokens: 'length',
  model_context_window_exceeded: 'length',
  incomplete: 'length',
  content_filter: 'content_filter',
  content_filtered: 'content_filter',
  safety: 'content_filter',
  recitation: 'content_filter',
  blocklist: 'content_filter',
  prohibited_content: 'content_filter',
  spii: 'content_filter',
  image_safety: 'content_filter',
  language: 'content_filter',
  other: 'content_filter',
  refusal: 'content_filter',
  guardrail_intervened: 'content_filter',
  tool_call: 'tool_call',
  tool_calls: 'tool_call',
  tool_use: 'tool_call',
  function_call: 'tool_call',
  // LiteLLM maps this to stop; it is a failed tool call, which detectors should see.
  malformed_function_call: 'error',
  error: 'error',
  failed: 'error',
  cancelled: 'error',
};

/** Unknown values count as `stop`, as in LiteLLM; the raw value is kept beside it. */
export function normalizeFinishReason(raw: string): FinishReason {
  return FINISH_REASONS[raw.toLowerCase()] ?? 'stop';
}

const SINGLE_KEYS = ['gen_ai.response.finish_reason', 'llm.response.finish_reason', 'llm.finish_reason'] as const;

/** Raw finish reasons from the span: the semconv array (or LiteLLM's JSON string), then older keys. */
export function readRawFinishReasons(attrs: Attributes): string[] {
  const listed = readIdentifierList(attrs['gen_ai.response.finish_reasons']);
  if (listed !== null) return listed;
  const indexed: string[] = [];
  for (let i = 0; ; i++) {
    const reason = readIdentifier(attrs[`gen_ai.completion.${i}.finish_reason`]);
    if (reason === null || indexed.length >= MAX_LIST_ITEMS) break;
    indexed.push(reason);
  }
  if (indexed.length > 0) return indexed;
  for (const key of SINGLE_KEYS) {
    const s = readIdentifier(attrs[key]);
    if (s !== null) return [s];
  }
  return [];
}
