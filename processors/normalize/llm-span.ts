// Reads one LLM span, in any vocabulary, into an LlmCall. Keys are looked up directly, first
// key present wins (vocabularies overlap, and the newest name is the most precise); JSON-string attributes (hidden_params, messages,
// invocation parameters) and LiteLLM's Python-repr usage_object are parsed only when needed.
import type { LlmCall, Operation } from '../../agent/core/model/llm-call.ts';
import type { AttributeValue, OtlpSpan } from '../../agent/core/model/otlp.ts';
import { firstIdentifier, firstNumber, isObject, readBoolean, readIdentifier, readNumber, readStructured } from './attribute-readers.ts';
import type { NormalizeSettings } from './config.ts';
import { readCost } from './cost.ts';
import { readFailure } from './error-info.ts';
import { readEvaluation } from './evaluation.ts';
import { normalizeFinishReason, readRawFinishReasons } from './finish-reason.ts';
import { readHiddenParams } from './litellm.ts';
import { readInvocationParameters } from './openinference.ts';
import { collectPrefixedNumbers } from './prefixed-attributes.ts';
import { readProvider } from './provider.ts';
import { readRateLimit } from './rate-limit.ts';
import { readResponseFormat, readResponseSchema, readSpanContent } from './span-content.ts';
import { readIdentity, readResource, readSource, readTiming, type Vocabulary } from './span-basics.ts';
import { readTokens } from './tokens.ts';

const OPERATIONS: Readonly<Record<string, Operation>> = {
  chat: 'chat',
  completion: 'chat',
  acompletion: 'chat',
  text_completion: 'text_completion',
  atext_completion: 'text_completion',
  generate_content: 'generate_content',
  agenerate_content: 'generate_content',
  embeddings: 'embeddings',
  retrieval: 'retrieval',
  execute_tool: 'execute_tool',
  invoke_agent: 'invoke_agent',
  llm: 'chat',
};

// Key lists as constants: an array literal in the call would be allocated on every span.
const OPERATION_KEYS = ['gen_ai.operation.name', 'llm.request.type'] as const;
const RESPONSE_ID_KEYS = ['gen_ai.response.id', 'llm.response.id'] as const;
const REQUEST_MODEL_KEYS = ['gen_ai.request.model', 'llm.request.model_name', 'llm.model_name'] as const;
const RESPONSE_MODEL_KEYS = ['gen_ai.response.model', 'llm.response.model_name'] as const;
const MODEL_GROUP_KEYS = ['litellm.model_group', 'metadata.model_group'] as const;
const MAX_TOKENS_KEYS = ['gen_ai.request.max_tokens', 'llm.request.max_tokens'] as const;
const TEMPERATURE_KEYS = ['gen_ai.request.temperature', 'llm.temperature'] as const;
const TOP_P_KEYS = ['gen_ai.request.top_p', 'llm.top_p'] as const;
const TIME_TO_FIRST_TOKEN_KEYS = ['gen_ai.response.time_to_first_chunk', 'gen_ai.server.time_to_first_token'] as const;
const STREAMING_KEYS = ['gen_ai.request.stream', 'litellm.request.streaming', 'llm.is_streaming', 'gen_ai.is_streaming'] as const;

export function readLlmCall(span: OtlpSpan, vocabulary: Vocabulary, settings: NormalizeSettings): LlmCall {
  const attrs = span.attributes;
  const failure = readFailure(span);
  const timing = readTiming(span, timeToFirstTokenMs(attrs));

  // JSON-string sources are parsed only on spans that carry them (LiteLLM, OpenInference).
  const hp = readHiddenParams(attrs);
  const invocation = readInvocationParameters(attrs);
  const prefixed = collectPrefixedNumbers(attrs);

  const { provider, raw: providerRaw } = readProvider(attrs, settings.aliases);
  const operationRaw = firstIdentifier(attrs, OPERATION_KEYS);
  const content = settings.captureContent
    ? readSpanContent(span, readResponseFormat(attrs, invocation), { maxChars: settings.maxChars }, readResponseSchema(attrs, invocation))
    : null;
  const finishReasonsRaw = readRawFinishReasons(attrs);
  if (finishReasonsRaw.length === 0) finishReasonsRaw.push(...outputFinishReasons(attrs['gen_ai.output.messages']));

  // On a failed LiteLLM v1 attempt, gen_ai.response.id falls back to the litellm call id
  // (LiteLLM writes it so); keeping it as the call id lets trace_assembler group the attempts.
  let callId = readIdentifier(attrs['litellm.call_id']);
  let responseId = firstIdentifier(attrs, RESPONSE_ID_KEYS);
  if (vocabulary === 'litellm' && failure.outcome === 'error' && attrs['gen_ai.response.model'] === undefined && callId === null) {
    callId = responseId;
    responseId = null;
  }

  return {
    kind: 'llm',
    source: readSource(span, vocabulary),
    resource: readResource(span.resource),
    timing,
    outcome: failure.outcome,
    error: failure.error,
    identity: readIdentity(attrs),
    signals: [],
    callId,
    responseId,
    provider,
    providerRaw,
    requestModel: firstIdentifier(attrs, REQUEST_MODEL_KEYS),
    responseModel: firstIdentifier(attrs, RESPONSE_MODEL_KEYS),
    modelGroup: firstIdentifier(attrs, MODEL_GROUP_KEYS),
    deploymentId: hp === null ? null : readIdentifier(hp.model_id),
    apiBase: (hp === null ? null : readIdentifier(hp.api_base)) ?? readIdentifier(attrs['server.address']),
    operation: operationRaw === null ? 'chat' : (OPERATIONS[operationRaw.toLowerCase()] ?? 'other'),
    operationRaw,
    streaming: readStreaming(attrs, invocation),
    tokens: readTokens(attrs, hp),
    cost: readCost(attrs, hp, prefixed.cost),
    rateLimit: hp === null ? null : readRateLimit(hp.additional_headers, timing.endMs),
    finishReasons: finishReasonsRaw.map(normalizeFinishReason),
    finishReasonsRaw,
    request: {
      maxTokens: firstNumber(attrs, MAX_TOKENS_KEYS) ?? invocationNumber(invocation, 'max_tokens', 'max_completion_tokens'),
      temperature: firstNumber(attrs, TEMPERATURE_KEYS) ?? invocationNumber(invocation, 'temperature'),
      topP: firstNumber(attrs, TOP_P_KEYS) ?? invocationNumber(invocation, 'top_p'),
    },
    content,
    retry: failure.retry,
    evaluation: readEvaluation(attrs, span.events, prefixed.evaluation),
    // Set by trace_assembler; present from the start so its copy overrides a field instead of adding
    // one (V8 gives every `{ ...call, newField }` a hidden class of its own, and later reads go megamorphic).
    attempt: null,
  };
}

function readStreaming(attrs: OtlpSpan['attributes'], invocation: Record<string, AttributeValue> | null): boolean | null {
  for (const key of STREAMING_KEYS) {
    const b = readBoolean(attrs[key]);
    if (b !== null) return b;
  }
  return invocation === null ? null : readBoolean(invocation.stream);
}

/** v2 and ≥1.41 report seconds; the model wants milliseconds. */
function timeToFirstTokenMs(attrs: OtlpSpan['attributes']): number | null {
  const seconds = firstNumber(attrs, TIME_TO_FIRST_TOKEN_KEYS);
  return seconds === null || seconds < 0 ? null : seconds * 1000;
}

function invocationNumber(invocation: Record<string, AttributeValue> | null, ...keys: string[]): number | null {
  if (invocation === null) return null;
  for (const key of keys) {
    const n = readNumber(invocation[key]);
    if (n !== null) return n;
  }
  return null;
}

/** Finish reasons inside `gen_ai.output.messages`, for emitters that send no finish_reasons key. */
function outputFinishReasons(value: AttributeValue | undefined): string[] {
  if (value === undefined) return [];
  const messages = readStructured(value);
  if (!Array.isArray(messages)) return [];
  const out: string[] = [];
  for (const m of messages) {
    const reason = isObject(m) ? readIdentifier(m.finish_reason) : null;
    if (reason !== null) out.push(reason);
  }
  return out;
}
