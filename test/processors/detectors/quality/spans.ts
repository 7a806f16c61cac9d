// LiteLLM v1-2026 `litellm_request` spans with chosen prompt, completion, response format, token
// counts, finish reason and evaluation scores, for the quality tests; plus an OpenInference
// retriever span to put documents in the same trace.
import { e1Success } from '../../../fixtures/spans/litellm-v1.ts';
import { SpanKind, type SpanInput } from '../../../support/span-builder.ts';

export interface QualitySpec {
  spanId?: string;
  traceId?: string;
  system?: string;
  user?: string;
  /** A tool result in the prompt (context for grounding). */
  tool?: string;
  /** Assistant text; omit for no output messages at all. */
  output?: string;
  /** Extra output parts (e.g. {type:'refusal', content}). */
  outputParts?: Record<string, unknown>[];
  /** OpenAI-style message fields on the output message, e.g. { refusal: '…' } with null content. */
  outputMessage?: Record<string, unknown>;
  finishReason?: string;
  responseFormat?: Record<string, unknown>;
  route?: string;
  inputTokens?: number;
  outputTokens?: number;
  maxTokens?: number;
  attributes?: Record<string, string | number>;
}

export function qualitySpan(spec: QualitySpec): SpanInput {
  const base = e1Success.input;
  const messages: unknown[] = [];
  if (spec.system !== undefined) messages.push({ role: 'system', parts: [{ type: 'text', content: spec.system }] });
  messages.push({ role: 'user', parts: [{ type: 'text', content: spec.user ?? 'What is the weather like in Paris?' }] });
  if (spec.tool !== undefined) messages.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: spec.tool }] });
  const attributes: Record<string, string | number> = {
    ...(base.attributes as Record<string, string | number>),
    'gen_ai.input.messages': JSON.stringify(messages),
  };
  delete attributes['gen_ai.output.messages'];
  const finish = spec.finishReason ?? 'stop';
  attributes['gen_ai.response.finish_reasons'] = JSON.stringify([finish]);
  if (spec.output !== undefined || spec.outputParts !== undefined || spec.outputMessage !== undefined) {
    const parts = [...(spec.output !== undefined ? [{ type: 'text', content: spec.output }] : []), ...(spec.outputParts ?? [])];
    const message = spec.outputMessage ?? { role: 'assistant', parts, finish_reason: finish };
    attributes['gen_ai.output.messages'] = JSON.stringify([message]);
  }
  if (spec.responseFormat !== undefined) attributes['gen_ai.openai.request.response_format'] = JSON.stringify(spec.responseFormat);
  if (spec.route !== undefined) attributes['http.route'] = spec.route;
  if (spec.inputTokens !== undefined) attributes['gen_ai.usage.input_tokens'] = spec.inputTokens;
  // As a provider would count them: about one token per four characters of the answer.
  const outputTokens = spec.outputTokens ?? (spec.output !== undefined ? Math.max(1, Math.ceil(spec.output.length / 4)) : undefined);
  if (outputTokens !== undefined) attributes['gen_ai.usage.output_tokens'] = outputTokens;
  if (spec.maxTokens !== undefined) attributes['gen_ai.request.max_tokens'] = spec.maxTokens;
  // The fixture's usage_object would override the token counts above.
  delete attributes['metadata.usage_object'];
  return {
    ...base,
    spanId: spec.spanId ?? base.spanId,
    traceId: spec.traceId ?? base.traceId,
    attributes: { ...attributes, ...spec.attributes },
  };
}

/** An OpenInference retriever in the given trace, carrying these document texts. */
export function retrieverSpan(traceId: string, documents: string[]): SpanInput {
  const attributes: Record<string, string | number> = { 'openinference.span.kind': 'RETRIEVER', 'input.value': 'question' };
  documents.forEach((content, i) => {
    attributes[`retrieval.documents.${i}.document.id`] = `doc-${i + 1}`;
    attributes[`retrieval.documents.${i}.document.content`] = content;
  });
  return {
    name: 'VectorStoreRetriever',
    kind: SpanKind.INTERNAL,
    traceId,
    spanId: '7100000000000001',
    scope: 'openinference.instrumentation.langchain',
    resource: { 'service.name': 'rag-app' },
    attributes,
  };
}

/** Deterministic tests: the expensive checks run inline (workers.threads 0). */
export const INLINE = { quality: { workers: { threads: 0 } } } as const;

export const ANNUAL_REPORT =
  'Annual report excerpt. Northwind Traders reported revenue of $4,250,000 for fiscal 2024, an increase of 18% over 2023. ' +
  'The company opened 12 new stores and employed 1,340 people at year end. The board approved a dividend of $0.45 per share on 2024-11-15. ' +
  'Chief executive Ana Lopez said growth came mainly from the Lisbon and Porto regions. Full report: https://northwind.example/reports/2024.';
