// Decides what a span is (which normalized kind, read with which vocabulary) from a handful of
// direct attribute lookups, so the many non-GenAI spans (postgres, redis, auth, HTTP) cost
// almost nothing. The LLM span is found by its attributes, never its name: LiteLLM puts them on
// `litellm_request`, on the proxy SERVER span (v1-2025), on `chat <model>` (v2) or a custom name.
import { SpanKind, type Attributes, type OtlpSpan } from '../../agent/core/model/otlp.ts';
import { readString } from './attribute-readers.ts';
import type { Vocabulary } from './span-basics.ts';

export type ItemKind = 'llm' | 'embedding' | 'retrieval' | 'guardrail' | 'ingestion' | 'gateway_request';

export interface Recognized {
  kind: ItemKind;
  vocabulary: Vocabulary;
}

const LLM_KEYS = [
  'gen_ai.request.model',
  'gen_ai.system',
  'gen_ai.provider.name',
  'llm.model_name',
  'llm.request.model_name',
  'llm.request.type',
] as const;
const EMBEDDING_OPERATIONS = new Set(['embeddings', 'embedding', 'aembedding', 'create_embedding']);
const INGESTION_OPERATIONS = new Set(['ingest', 'ingestion']);
const INGESTION_KEYS = [
  'faultline.ingestion.documents_processed',
  'faultline.ingestion.data_source',
  'ingestion.documents_processed',
] as const;
const V2_KEYS = [
  'litellm.call_type',
  'litellm.request.streaming',
  'litellm.cost.total',
  'litellm.provider.error.code',
  'litellm.api_key.hash',
  'litellm.team.id',
] as const;
const V1_KEYS = [
  'hidden_params',
  'metadata.user_api_key_hash',
  'metadata.usage_object',
  'metadata.user_api_key_team_id',
  'litellm.model_group',
] as const;
const OPENLLMETRY_KEYS = [
  'traceloop.span.kind',
  'traceloop.workflow.name',
  'traceloop.entity.name',
  'gen_ai.prompt.0.content',
  'gen_ai.completion.0.content',
  'llm.usage.total_tokens',
] as const;
const GATEWAY_MARKERS = [
  'litellm.call_id',
  'litellm.request.route',
  'litellm.preprocessing.duration_ms',
  'metadata.user_api_key_hash',
  'metadata.user_api_key_team_id',
  ...V2_KEYS,
] as const;

export const PROXY_SPAN_NAME = 'Received Proxy Server Request';

/** isIngestionName: the configured ingestion span names (normalize's ingestion_span_names). */
export function recognizeSpan(span: OtlpSpan, isIngestionName: (name: string) => boolean = () => false): Recognized | null {
  const kind = recognizeKind(span, isIngestionName);
  return kind === null ? null : { kind, vocabulary: recognizeVocabulary(span) };
}

function recognizeKind(span: OtlpSpan, isIngestionName: (name: string) => boolean): ItemKind | null {
  const attrs = span.attributes;
  const oiKind = readString(attrs['openinference.span.kind'])?.toUpperCase() ?? null;
  const operation = readString(attrs['gen_ai.operation.name'])?.toLowerCase() ?? null;
  const requestType = readString(attrs['llm.request.type'])?.toLowerCase() ?? null;

  if (oiKind === 'GUARDRAIL' || attrs['guardrail_name'] !== undefined || span.name.startsWith('execute_guardrail')) return 'guardrail';
  if ((operation !== null && INGESTION_OPERATIONS.has(operation)) || hasAny(attrs, INGESTION_KEYS) || isIngestionName(span.name))
    return 'ingestion';
  if (operation === 'retrieval' || oiKind === 'RETRIEVER') return 'retrieval';
  if (
    (operation !== null && EMBEDDING_OPERATIONS.has(operation)) ||
    oiKind === 'EMBEDDING' ||
    (requestType !== null && EMBEDDING_OPERATIONS.has(requestType))
  ) {
    return 'embedding';
  }
  // Other OpenInference kinds (CHAIN, TOOL, AGENT, RERANKER…) are not calls in our model.
  if (oiKind !== null && oiKind !== 'LLM') return null;
  if (oiKind === 'LLM' || operation !== null || hasAny(attrs, LLM_KEYS)) return 'llm';
  if (attrs['gen_ai.data_source.id'] !== undefined) return 'retrieval';
  if (span.kind === SpanKind.SERVER && isGatewaySpan(span)) return 'gateway_request';
  return null;
}

function isGatewaySpan(span: OtlpSpan): boolean {
  return span.scope.name === 'litellm' || span.name === PROXY_SPAN_NAME || hasAny(span.attributes, GATEWAY_MARKERS);
}

function recognizeVocabulary(span: OtlpSpan): Vocabulary {
  const attrs = span.attributes;
  if (hasAny(attrs, V2_KEYS)) return 'litellm_v2';
  if (span.scope.name === 'litellm' || span.name === 'litellm_request' || span.name === PROXY_SPAN_NAME || hasAny(attrs, V1_KEYS))
    return 'litellm';
  if (attrs['openinference.span.kind'] !== undefined || attrs['llm.model_name'] !== undefined) return 'openinference';
  if (hasAny(attrs, OPENLLMETRY_KEYS) || (attrs['llm.request.type'] !== undefined && attrs['gen_ai.operation.name'] === undefined))
    return 'openllmetry';
  if (attrs['gen_ai.system'] !== undefined || attrs['gen_ai.provider.name'] !== undefined || attrs['gen_ai.operation.name'] !== undefined)
    return 'otel_genai';
  return 'unknown';
}

function hasAny(attrs: Attributes, keys: readonly string[]): boolean {
  for (const key of keys) if (attrs[key] !== undefined) return true;
  return false;
}
