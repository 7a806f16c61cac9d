// The application side of a RAG request, instrumented with OpenInference (as LlamaIndex or
// LangChain apps are): a root SERVER span, the query EMBEDDING span and the RETRIEVER span with
// its documents (scores, text, and an `updated_at` in their metadata). The gateway's spans join
// the same trace through traceparent propagation, under the root span.
import type { Attributes, OtlpSpan } from '../../core/model/otlp.ts';
import type { Attempt, RequestPlan } from './plan.ts';
import { EMBEDDING_MODEL } from './price-table.ts';
import { makeSpan, resource, scope, SpanKind, StatusCode } from './span-factory.ts';

export const APP_RESOURCE = resource({
  'service.name': 'support-assistant',
  'deployment.environment.name': 'production',
  'k8s.namespace.name': 'assistant',
});
const APP_SCOPE = scope('openinference.instrumentation.llama_index', '3.4.0');
const HTTP_SCOPE = scope('opentelemetry.instrumentation.fastapi', '0.55b0');

export interface AppSpanIds {
  rootSpanId: string;
  embeddingSpanId: string;
  retrieverSpanId: string;
}

export function appSpanIds(plan: RequestPlan): AppSpanIds {
  // Derived from the trace id so rendering draws nothing from the random stream.
  const t = plan.traceId;
  return { rootSpanId: t.slice(0, 16), embeddingSpanId: t.slice(16, 32), retrieverSpanId: t.slice(8, 24) };
}

export function renderAppSpans(plan: RequestPlan, endMs: number, content: boolean): OtlpSpan[] {
  const r = plan.retrieval;
  if (r === null) return [];
  const ids = appSpanIds(plan);
  const embedEnd = r.startMs + Math.min(25, r.durationMs / 3);
  const docAttrs: Record<string, string | number> = {};
  r.documents.forEach((d, i) => {
    const p = `retrieval.documents.${i}.document.`;
    docAttrs[`${p}id`] = d.id;
    docAttrs[`${p}score`] = d.score;
    if (content) docAttrs[`${p}content`] = d.content;
    docAttrs[`${p}metadata`] = JSON.stringify({ source: `${r.collection}/${d.id}`, updated_at: new Date(d.updatedAtMs).toISOString() });
  });
  return [
    makeSpan({
      traceId: plan.traceId,
      spanId: ids.rootSpanId,
      name: 'POST /ask',
      kind: SpanKind.SERVER,
      startMs: r.startMs - 2,
      endMs: endMs + 2,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/ask',
        'http.response.status_code': plan.proxyError ? plan.proxyError.status : 200,
      },
      resource: APP_RESOURCE,
      scope: HTTP_SCOPE,
    }),
    makeSpan({
      traceId: plan.traceId,
      spanId: ids.embeddingSpanId,
      parentSpanId: ids.rootSpanId,
      name: 'embedding',
      kind: SpanKind.INTERNAL,
      startMs: r.startMs,
      endMs: embedEnd,
      attributes: {
        'openinference.span.kind': 'EMBEDDING',
        'embedding.model_name': EMBEDDING_MODEL.model,
        'llm.provider': 'openai',
        'llm.token_count.prompt': Math.max(4, Math.round(r.query.length / 4)),
        ...(content ? { 'embedding.embeddings.0.embedding.text': r.query } : {}),
        'embedding.embeddings.0.embedding.vector': r.embedding,
      },
      status: { code: StatusCode.OK },
      resource: APP_RESOURCE,
      scope: APP_SCOPE,
    }),
    makeSpan({
      traceId: plan.traceId,
      spanId: ids.retrieverSpanId,
      parentSpanId: ids.rootSpanId,
      name: 'retrieve',
      kind: SpanKind.INTERNAL,
      startMs: embedEnd,
      endMs: r.startMs + r.durationMs,
      attributes: {
        'openinference.span.kind': 'RETRIEVER',
        'gen_ai.data_source.id': r.collection,
        ...(content ? { 'input.value': r.query } : {}),
        ...docAttrs,
      },
      status: { code: StatusCode.OK },
      resource: APP_RESOURCE,
      scope: APP_SCOPE,
    }),
  ];
}

/** The system prompt a RAG request sends: the instructions plus the retrieved context. */
/** The online evaluator's score, as an OTel GenAI evaluation event on the evaluated call's span. */
export function evaluationEvents(a: Attempt, endMs: number): { name: string; atMs: number; attributes: Attributes }[] {
  if (a.faithfulness === null) return [];
  return [
    {
      name: 'gen_ai.evaluation.result',
      atMs: endMs,
      attributes: { 'gen_ai.evaluation.name': 'faithfulness', 'gen_ai.evaluation.score.value': a.faithfulness },
    },
  ];
}

export function systemPromptOf(plan: RequestPlan): string {
  if (plan.retrieval === null) return plan.systemPrompt;
  const context = plan.retrieval.documents.map((d, i) => `[${i + 1}] ${d.content}`).join('\n');
  return `${plan.systemPrompt}\nAnswer using only the context below.\n\nContext:\n${context}`;
}
