// The shared model every processor after normalize works on: one normalized GenAI operation,
// whatever vocabulary it arrived in, so no later step needs to know the vocabularies. Schemas are
// the source of the types; the hot path builds plain objects and tests validate them against these schemas.
import { z } from 'zod';
import { Signal } from './signal.ts';

const nullableString = z.string().nullable();
const nullableCount = z.number().int().nonnegative().nullable();

/** Where an item came from: enough to find the original span again. */
export const SourceRef = z.strictObject({
  traceId: z.string().describe('32 lowercase hex chars.'),
  spanId: z.string().describe('16 lowercase hex chars.'),
  parentSpanId: z.string().describe("'' for a root span."),
  spanName: z.string(),
  spanKind: z.number().int().describe('OTLP span kind (3 = CLIENT).'),
  scopeName: z.string(),
  vocabulary: z
    .enum(['litellm', 'litellm_v2', 'otel_genai', 'openinference', 'openllmetry', 'unknown'])
    .describe('Which attribute vocabulary the span was read with.'),
});
export type SourceRef = z.infer<typeof SourceRef>;

export const ResourceInfo = z.strictObject({
  serviceName: nullableString,
  environment: nullableString,
  k8sNamespace: nullableString,
  k8sPod: nullableString,
  k8sNode: nullableString,
});
export type ResourceInfo = z.infer<typeof ResourceInfo>;

export const Timing = z.strictObject({
  startMs: z.number().describe('Span start, ms since the Unix epoch (fractional).'),
  endMs: z.number(),
  durationMs: z.number().nonnegative(),
  timeToFirstTokenMs: z.number().nonnegative().nullable(),
});
export type Timing = z.infer<typeof Timing>;

export const Tokens = z.strictObject({
  input: nullableCount.describe('Includes cached tokens (OTel semantics).'),
  output: nullableCount.describe('Includes reasoning tokens.'),
  total: nullableCount,
  reasoning: nullableCount,
  cacheRead: nullableCount,
  cacheWrite: nullableCount,
});
export type Tokens = z.infer<typeof Tokens>;

export const Cost = z.strictObject({
  totalUsd: z.number().nullable(),
  inputUsd: z.number().nullable(),
  outputUsd: z.number().nullable(),
  breakdown: z.record(z.string(), z.number()).describe('Every cost attribute seen, by its suffix.'),
});
export type Cost = z.infer<typeof Cost>;

export const RateLimit = z.strictObject({
  limitRequests: z.number().nullable(),
  remainingRequests: z.number().nullable(),
  resetRequests: nullableString.describe('As sent (e.g. "1s", "6m0s", or an RFC 3339 time).'),
  limitTokens: z.number().nullable(),
  remainingTokens: z.number().nullable(),
  resetTokens: nullableString,
  retryAfterSec: z.number().nonnegative().nullable(),
  /** Provider headers as received, lower-cased, `llm_provider-` prefix removed. */
  headers: z.record(z.string(), z.string()),
});
export type RateLimit = z.infer<typeof RateLimit>;

export const ExceptionInfo = z.strictObject({
  type: nullableString.describe('Class name, module prefix removed (litellm.exceptions.RateLimitError → RateLimitError).'),
  message: nullableString,
  timeMs: z.number().nullable(),
});
export type ExceptionInfo = z.infer<typeof ExceptionInfo>;

export const ErrorInfo = z.strictObject({
  httpStatus: z
    .number()
    .int()
    .nullable()
    .describe('From http.response.status_code, error.code, litellm.provider.error.code or the message.'),
  code: nullableString.describe('Provider or gateway error code as sent (e.g. "429", "insufficient_quota").'),
  type: nullableString.describe('Error class (error.type or the exception type).'),
  message: nullableString,
  provider: nullableString.describe('error.llm_provider when the gateway reports it.'),
  exceptions: z.array(ExceptionInfo),
});
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export const MessagePart = z.strictObject({
  type: z.string().describe('text, tool_call, tool_call_response, reasoning, …'),
  content: z.string().nullable(),
  name: nullableString.describe('Tool name for tool calls.'),
});
export const Message = z.strictObject({
  role: z.string().describe('system, user, assistant, tool.'),
  parts: z.array(MessagePart),
  finishReason: nullableString,
});
export type Message = z.infer<typeof Message>;

export const Content = z.strictObject({
  systemPrompt: nullableString,
  inputMessages: z.array(Message),
  outputMessages: z.array(Message),
  outputText: nullableString.describe('Concatenated assistant text, for detectors.'),
  responseFormat: nullableString.describe('text, json_object, json_schema when the request said.'),
  responseSchema: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe('The JSON Schema of a json_schema request (response_format.json_schema.schema), when the span carries it.'),
  truncated: z.boolean().optional().describe('true when some captured text was cut at max_content_chars.'),
});
export type Content = z.infer<typeof Content>;

export const Identity = z.strictObject({
  user: nullableString,
  endUser: nullableString,
  team: nullableString,
  teamAlias: nullableString,
  org: nullableString,
  keyAlias: nullableString,
  keyHash: nullableString,
  route: nullableString,
  sessionId: nullableString,
  tags: z.array(z.string()),
});
export type Identity = z.infer<typeof Identity>;

export const RetryInfo = z.strictObject({
  retries: nullableCount.describe('"LiteLLM Retried: N times" or x-litellm-attempted-retries.'),
  maxRetries: nullableCount,
  fallbacks: nullableCount,
});
export type RetryInfo = z.infer<typeof RetryInfo>;

export const Operation = z.enum([
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
  'retrieval',
  'execute_tool',
  'invoke_agent',
  'other',
]);
export type Operation = z.infer<typeof Operation>;

const base = {
  source: SourceRef,
  resource: ResourceInfo,
  timing: Timing,
  outcome: z.enum(['ok', 'error']),
  error: ErrorInfo.nullable(),
  identity: Identity,
  /** Attached by the detectors processor; normalize leaves it empty. */
  signals: z.array(Signal),
};

/** Set by trace_assembler from the attempt's siblings and its gateway parent. */
export const AttemptInfo = z.strictObject({
  number: z.number().int().positive().describe('1-based position among sibling attempts, by start time.'),
  of: z.number().int().positive().describe('Sibling attempts seen for the same gateway request.'),
  requestOutcome: z.enum(['ok', 'error']).nullable().describe("The client request's outcome (gateway span, or the last attempt)."),
  recoveredBy: z.string().nullable().describe('Span id of a later attempt that succeeded after this one failed (retry or fallback).'),
  recoveredByModel: z.string().nullable(),
});
export type AttemptInfo = z.infer<typeof AttemptInfo>;

export const LlmCall = z.strictObject({
  kind: z.literal('llm'),
  ...base,
  callId: nullableString.describe('litellm.call_id, or null.'),
  responseId: nullableString,
  provider: z.string().describe("Normalized provider (openai, anthropic, azure.ai.openai, gcp.vertex_ai, …); 'unknown' if none."),
  providerRaw: nullableString,
  requestModel: nullableString,
  responseModel: nullableString,
  modelGroup: nullableString,
  deploymentId: nullableString.describe('LiteLLM model_id.'),
  apiBase: nullableString,
  operation: Operation,
  operationRaw: nullableString,
  streaming: z.boolean().nullable(),
  tokens: Tokens,
  cost: Cost,
  rateLimit: RateLimit.nullable(),
  finishReasons: z.array(z.string()).describe('Normalized: stop, length, content_filter, tool_call, error.'),
  finishReasonsRaw: z.array(z.string()),
  request: z.strictObject({
    maxTokens: z.number().nullable(),
    temperature: z.number().nullable(),
    topP: z.number().nullable(),
  }),
  content: Content.nullable().describe('null when content capture is off.'),
  retry: RetryInfo,
  attempt: AttemptInfo.nullable().optional(),
  evaluation: z.record(z.string(), z.number()).describe('Scores on the span: gen_ai.evaluation.*, hallucination_score, faithfulness…'),
});
export type LlmCall = z.infer<typeof LlmCall>;

export const RetrievedDocument = z.strictObject({
  id: nullableString,
  score: z.number().nullable(),
  content: nullableString,
  timestampMs: z.number().nullable().describe('When the document was indexed or last updated, if known.'),
});

export const RetrievalCall = z.strictObject({
  kind: z.literal('retrieval'),
  ...base,
  dataSource: nullableString.describe('gen_ai.data_source.id, collection or index name.'),
  query: nullableString,
  documents: z.array(RetrievedDocument),
});
export type RetrievalCall = z.infer<typeof RetrievalCall>;

export const EmbeddingCall = z.strictObject({
  kind: z.literal('embedding'),
  ...base,
  provider: z.string(),
  requestModel: nullableString,
  inputTokens: nullableCount,
  dimensions: nullableCount,
  vectors: z.array(z.array(z.number())).describe('Only when the span carries them.'),
});
export type EmbeddingCall = z.infer<typeof EmbeddingCall>;

export const GuardrailCall = z.strictObject({
  kind: z.literal('guardrail'),
  ...base,
  name: nullableString,
  mode: nullableString,
  status: nullableString.describe('success, guardrail_intervened, guardrail_failed_to_respond, not_run.'),
  action: nullableString,
  violationCategories: z.array(z.string()),
  maskedEntityCount: nullableCount,
});
export type GuardrailCall = z.infer<typeof GuardrailCall>;

export const IngestionRun = z.strictObject({
  kind: z.literal('ingestion'),
  ...base,
  dataSource: nullableString,
  documentsProcessed: nullableCount,
  documentsFailed: nullableCount,
});
export type IngestionRun = z.infer<typeof IngestionRun>;

/** The gateway's SERVER span for one client request (parent of the per-attempt LLM spans). */
export const GatewayRequest = z.strictObject({
  kind: z.literal('gateway_request'),
  ...base,
  httpStatus: z.number().int().nullable(),
  route: nullableString,
  retry: RetryInfo,
});
export type GatewayRequest = z.infer<typeof GatewayRequest>;

export const TelemetryItem = z.discriminatedUnion('kind', [
  LlmCall,
  RetrievalCall,
  EmbeddingCall,
  GuardrailCall,
  IngestionRun,
  GatewayRequest,
]);
export type TelemetryItem = z.infer<typeof TelemetryItem>;

/** GenAI content that arrived as a log record, waiting to be joined to its call by span id. */
export const ContentEvent = z.strictObject({
  traceId: z.string(),
  spanId: z.string(),
  timeMs: z.number(),
  eventName: z.string(),
  systemPrompt: nullableString,
  inputMessages: z.array(Message),
  outputMessages: z.array(Message),
  responseFormat: nullableString
    .optional()
    .describe('The response format the request asked for, when only a side span says (LiteLLM v1 raw_gen_ai_request).'),
});
export type ContentEvent = z.infer<typeof ContentEvent>;
