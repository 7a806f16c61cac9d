// The non-LLM items: retrieval, embedding, guardrail, ingestion, and the gateway's SERVER span.
//
// Ingestion convention (no semconv exists): a span with `gen_ai.operation.name` = `ingest` (or
// `ingestion`), or with any `faultline.ingestion.*` attribute. Read: data source from
// `faultline.ingestion.data_source` → `gen_ai.data_source.id`; counts from
// `faultline.ingestion.documents_processed` / `.documents_failed` (the same names under
// `ingestion.*` are accepted).
import type { EmbeddingCall, GatewayRequest, GuardrailCall, IngestionRun, RetrievalCall } from '../../agent/core/model/llm-call.ts';
import type { AttributeValue, OtlpSpan } from '../../agent/core/model/otlp.ts';
import {
  firstCount,
  firstIdentifier,
  firstString,
  isObject,
  readCount,
  readIdentifier,
  readIdentifierList,
  readStructured,
  truncate,
} from './attribute-readers.ts';
import type { NormalizeSettings } from './config.ts';
import { readFailure, type Failure } from './error-info.ts';
import { readUsageObject } from './litellm.ts';
import { readGenAiDocuments } from './genai-documents.ts';
import { readEmbeddingVectors, readRetrievedDocuments } from './openinference.ts';
import { readProvider } from './provider.ts';
import { readIdentity, readResource, readSource, readTiming, type Vocabulary } from './span-basics.ts';

function baseFields(span: OtlpSpan, vocabulary: Vocabulary, failure: Failure = readFailure(span)) {
  return {
    source: readSource(span, vocabulary),
    resource: readResource(span.resource),
    timing: readTiming(span),
    outcome: failure.outcome,
    error: failure.error,
    identity: readIdentity(span.attributes),
    signals: [],
  };
}

export function readRetrievalCall(span: OtlpSpan, vocabulary: Vocabulary, settings: NormalizeSettings): RetrievalCall {
  const attrs = span.attributes;
  const query = firstString(attrs, ['gen_ai.retrieval.query.text', 'gen_ai.retrieval.query', 'input.value', 'db.query.text']);
  const documents = readRetrievedDocuments(attrs, settings.captureContent, settings.maxChars);
  return {
    kind: 'retrieval',
    ...baseFields(span, vocabulary),
    dataSource: firstIdentifier(attrs, ['gen_ai.data_source.id', 'db.collection.name', 'db.namespace', 'retrieval.index']),
    query: settings.captureContent ? truncate(query, settings.maxChars) : null,
    documents: documents.length > 0 ? documents : readGenAiDocuments(attrs, settings.captureContent, settings.maxChars),
  };
}

export function readEmbeddingCall(span: OtlpSpan, vocabulary: Vocabulary, settings: NormalizeSettings): EmbeddingCall {
  const attrs = span.attributes;
  const vectors = readEmbeddingVectors(attrs);
  return {
    kind: 'embedding',
    ...baseFields(span, vocabulary),
    provider: readProvider(attrs, settings.aliases).provider,
    requestModel: firstIdentifier(attrs, ['gen_ai.request.model', 'embedding.model_name', 'llm.model_name']),
    inputTokens:
      firstCount(attrs, ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt', 'llm.usage.prompt_tokens']) ??
      readUsageObject(attrs, null)?.input ??
      null,
    dimensions:
      firstCount(attrs, ['gen_ai.embeddings.dimension.count', 'gen_ai.request.embedding.dimensions']) ??
      (vectors.length > 0 ? vectors[0].length : null),
    vectors,
  };
}

export function readGuardrailCall(span: OtlpSpan, vocabulary: Vocabulary): GuardrailCall {
  const attrs = span.attributes;
  const prefix = 'execute_guardrail ';
  return {
    kind: 'guardrail',
    ...baseFields(span, vocabulary),
    name: readIdentifier(attrs['guardrail_name']) ?? (span.name.startsWith(prefix) ? readIdentifier(span.name.slice(prefix.length)) : null),
    mode: readIdentifier(attrs['guardrail_mode']),
    status: readIdentifier(attrs['guardrail_status']),
    action: readIdentifier(attrs['guardrail_action']),
    violationCategories: violationCategories(attrs['guardrail_violation_categories']),
    maskedEntityCount: maskedEntityCount(attrs['masked_entity_count']),
  };
}

/** A JSON list of names, or a JSON object of category → flag/score (truthy ones count). */
function violationCategories(value: AttributeValue | undefined): string[] {
  if (value === undefined || value === null || value === '') return [];
  const v = readStructured(value);
  if (isObject(v)) return readIdentifierList(Object.keys(v).filter((k) => Boolean(v[k]))) ?? [];
  return readIdentifierList(v ?? value) ?? [];
}

/** An int, or a JSON object of entity type → count (summed). */
function maskedEntityCount(value: AttributeValue | undefined): number | null {
  const direct = readCount(value);
  if (direct !== null) return direct;
  const v = readStructured(value ?? null);
  if (!isObject(v)) return null;
  let total = 0;
  for (const k in v) total += readCount(v[k]) ?? 0;
  return total;
}

/** A run that names no data source (e.g. one matched by ingestion_span_names) is known by its span name. */
export function readIngestionRun(span: OtlpSpan, vocabulary: Vocabulary): IngestionRun {
  const attrs = span.attributes;
  return {
    kind: 'ingestion',
    ...baseFields(span, vocabulary),
    dataSource:
      firstIdentifier(attrs, ['faultline.ingestion.data_source', 'ingestion.data_source', 'gen_ai.data_source.id']) ??
      readIdentifier(span.name),
    documentsProcessed: firstCount(attrs, ['faultline.ingestion.documents_processed', 'ingestion.documents_processed']),
    documentsFailed: firstCount(attrs, ['faultline.ingestion.documents_failed', 'ingestion.documents_failed']),
  };
}

export function readGatewayRequest(span: OtlpSpan, vocabulary: Vocabulary): GatewayRequest {
  const attrs = span.attributes;
  const failure = readFailure(span);
  const status = failure.error?.httpStatus ?? readCount(attrs['http.response.status_code']) ?? readCount(attrs['http.status_code']);
  return {
    kind: 'gateway_request',
    ...baseFields(span, vocabulary, failure),
    httpStatus: status,
    route:
      firstIdentifier(attrs, ['http.route', 'url.path', 'metadata.user_api_key_request_route', 'litellm.request.route']) ??
      readIdentifier(routeFromName(span.name)),
    retry: failure.retry,
  };
}

/** v2 names the SERVER span `POST /v1/chat/completions`. */
function routeFromName(name: string): string | null {
  const space = name.indexOf(' ');
  return space > 0 && name.charCodeAt(space + 1) === 0x2f /* / */ ? name.slice(space + 1) : null;
}
