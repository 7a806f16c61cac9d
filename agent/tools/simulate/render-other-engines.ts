// The two other shapes a simulation can take. LiteLLM's v2 engine (LITELLM_OTEL_V2=1, as the
// proxy emits it): SERVER `POST /v1/chat/completions`, CLIENT `chat <model>` per attempt
// with gen_ai.* semconv plus litellm.* keys (cost, call id, team and key baggage), success left
// UNSET, errors with the message as status description. Plain OTel GenAI (≥1.37): an app calling
// providers directly through an instrumented SDK, one CLIENT span per attempt under the app span.
import type { Attributes, OtlpSpan } from '../../core/model/otlp.ts';
import type { Attempt, RequestPlan } from './plan.ts';
import { requestEndMs } from './plan.ts';
import { costUsd, type ModelSpec } from './price-table.ts';
import { APP_RESOURCE, appSpanIds, evaluationEvents, systemPromptOf } from './render-app.ts';
import { litellmCallId, LITELLM_RESOURCE, responseId, type RenderOptions } from './render-litellm.ts';
import { makeSpan, messagesJson, scope, SpanKind, StatusCode } from './span-factory.ts';

const V2_SCOPE = scope('litellm', '2.0');
const GENAI_SCOPE = scope('opentelemetry.instrumentation.genai', '0.3b0');
const MAPPED_PROVIDER: Record<ModelSpec['provider'], string> = { openai: 'openai', anthropic: 'anthropic', gemini: 'gcp.gemini' };

export function renderLitellmV2(plan: RequestPlan, o: RenderOptions): OtlpSpan[] {
  const callId = litellmCallId(plan);
  const baggage: Attributes = {
    'litellm.team.id': plan.team.id,
    'litellm.team.alias': plan.team.alias,
    'litellm.api_key.hash': plan.key.hash,
    'litellm.end_user.id': plan.user,
  };
  const last = plan.attempts[plan.attempts.length - 1];
  const failure = plan.proxyError ?? last?.error ?? null;
  const spans: OtlpSpan[] = [
    makeSpan({
      traceId: plan.traceId,
      spanId: plan.serverSpanId,
      parentSpanId: plan.retrieval ? appSpanIds(plan).rootSpanId : undefined,
      name: 'POST /v1/chat/completions',
      kind: SpanKind.SERVER,
      startMs: plan.startMs,
      endMs: requestEndMs(plan),
      attributes: {
        ...baggage,
        'http.request.method': 'POST',
        'http.route': '/v1/chat/completions',
        'http.response.status_code': failure ? failure.status : 200,
        'litellm.request.route': '/v1/chat/completions',
        ...(plan.proxyError ? { 'error.type': plan.proxyError.type, 'error.message': plan.proxyError.message } : {}),
      },
      status: failure ? { code: StatusCode.ERROR, message: failure.message } : undefined,
      resource: LITELLM_RESOURCE,
      scope: V2_SCOPE,
    }),
  ];
  if (plan.guardrail) {
    const g = plan.guardrail;
    spans.push(
      makeSpan({
        traceId: plan.traceId,
        spanId: `${plan.serverSpanId.slice(0, 8)}${plan.traceId.slice(24, 32)}`,
        parentSpanId: plan.serverSpanId,
        name: `execute_guardrail ${g.name}`,
        kind: SpanKind.INTERNAL,
        startMs: g.startMs,
        endMs: g.startMs + g.durationMs,
        attributes: {
          ...baggage,
          guardrail_name: g.name,
          guardrail_mode: 'pre_call',
          guardrail_status: g.intervened ? 'guardrail_intervened' : 'success',
          guardrail_violation_categories: JSON.stringify(g.categories),
        },
        resource: LITELLM_RESOURCE,
        scope: V2_SCOPE,
      }),
    );
  }
  for (const a of plan.attempts) {
    const attrs: Attributes = {
      ...baggage,
      ...genAiAttributes(plan, a, o),
      'gen_ai.system': a.spec.provider,
      'litellm.call_id': callId,
      'litellm.call_type': 'acompletion',
      'litellm.request.streaming': false,
      'litellm.provider.model': a.spec.model,
    };
    if (a.error) {
      Object.assign(attrs, {
        'error.type': a.error.type,
        'error.message': a.error.message,
        'litellm.provider.error.code': a.error.code,
        'litellm.provider.error.llm_provider': a.spec.provider,
      });
    } else {
      const cost = costUsd(a.spec, a.inputTokens, a.outputTokens);
      Object.assign(attrs, { 'litellm.cost.total': cost.total, 'litellm.cost.input': cost.input, 'litellm.cost.output': cost.output });
    }
    spans.push(clientSpan(plan, a, attrs, plan.serverSpanId, LITELLM_RESOURCE, V2_SCOPE));
  }
  return spans;
}

export function renderOtelGenAi(plan: RequestPlan, o: RenderOptions): OtlpSpan[] {
  const rootSpanId = appSpanIds(plan).rootSpanId;
  const spans: OtlpSpan[] = [];
  if (plan.retrieval === null) {
    spans.push(
      makeSpan({
        traceId: plan.traceId,
        spanId: rootSpanId,
        name: 'POST /ask',
        kind: SpanKind.SERVER,
        startMs: plan.startMs - 2,
        endMs: requestEndMs(plan) + 2,
        attributes: {
          'http.request.method': 'POST',
          'http.route': '/ask',
          'http.response.status_code': plan.attempts.at(-1)?.error ? 502 : 200,
          'enduser.id': plan.user,
        },
        resource: APP_RESOURCE,
        scope: scope('opentelemetry.instrumentation.fastapi', '0.55b0'),
      }),
    );
  }
  for (const a of plan.attempts) {
    const attrs = genAiAttributes(plan, a, o);
    if (a.error) attrs['error.type'] = a.error.type;
    if (plan.responseFormat) attrs['gen_ai.output.type'] = 'json';
    spans.push(clientSpan(plan, a, attrs, rootSpanId, APP_RESOURCE, GENAI_SCOPE));
  }
  return spans;
}

function genAiAttributes(plan: RequestPlan, a: Attempt, o: RenderOptions): Attributes {
  const attrs: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': MAPPED_PROVIDER[a.spec.provider],
    'gen_ai.request.model': a.spec.model,
    'gen_ai.request.max_tokens': plan.maxTokens,
    'server.address': new URL(a.spec.apiBase).host,
    'server.port': 443,
  };
  if (!a.error) {
    Object.assign(attrs, {
      'gen_ai.response.model': a.responseModel,
      'gen_ai.response.id': responseId(a.spec.provider, a.spanId),
      'gen_ai.response.finish_reasons': [a.finishReason],
      'gen_ai.usage.input_tokens': a.inputTokens,
      'gen_ai.usage.output_tokens': a.outputTokens,
    });
  }
  if (o.content) {
    attrs['gen_ai.system_instructions'] = JSON.stringify([{ type: 'text', content: systemPromptOf(plan) }]);
    attrs['gen_ai.input.messages'] = messagesJson([{ role: 'user', text: plan.userPrompt }]);
    if (!a.error) attrs['gen_ai.output.messages'] = messagesJson([{ role: 'assistant', text: a.outputText, finishReason: a.finishReason }]);
  }
  return attrs;
}

function clientSpan(
  plan: RequestPlan,
  a: Attempt,
  attrs: Attributes,
  parent: string,
  res: typeof APP_RESOURCE,
  sc: typeof GENAI_SCOPE,
): OtlpSpan {
  const endMs = a.startMs + a.durationMs;
  return makeSpan({
    traceId: plan.traceId,
    spanId: a.spanId,
    parentSpanId: parent,
    name: `chat ${a.spec.model}`,
    kind: SpanKind.CLIENT,
    startMs: a.startMs,
    endMs,
    attributes: attrs,
    events: a.error
      ? [{ name: 'exception', atMs: endMs, attributes: { 'exception.type': a.error.type, 'exception.message': a.error.message } }]
      : evaluationEvents(a, endMs),
    status: a.error ? { code: StatusCode.ERROR, message: a.error.message } : undefined,
    resource: res,
    scope: sc,
  });
}
