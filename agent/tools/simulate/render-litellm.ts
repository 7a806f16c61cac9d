// LiteLLM's default (v1) engine, proxy mode, as the proxy emits it (its OpenTelemetry integration):
// the SERVER span "Received Proxy Server Request", one INTERNAL `litellm_request` per attempt
// (retries and fallbacks are siblings sharing one litellm call id), `raw_gen_ai_request` under a
// successful attempt when content capture is on, a `guardrail` span per guardrail run, and on
// failure the child "Failed Proxy Server Request". Unset metadata keys are "" as LiteLLM writes
// them; `hidden_params` is a JSON string carrying api_base, cost and the rate-limit headers.
import type { Attributes, OtlpSpan } from '../../core/model/otlp.ts';
import type { Attempt, ErrorShape, RequestPlan } from './plan.ts';
import { requestEndMs } from './plan.ts';
import { costUsd } from './price-table.ts';
import { appSpanIds, evaluationEvents, systemPromptOf } from './render-app.ts';
import { makeSpan, messagesJson, resource, scope, SpanKind, StatusCode } from './span-factory.ts';

export const LITELLM_RESOURCE = resource({ 'service.name': 'litellm', 'deployment.environment': 'production', model_id: 'litellm' });
const LITELLM_SCOPE = scope('litellm');
const ROUTE = '/chat/completions';

export interface RenderOptions {
  content: boolean;
  numRetries: number;
}

export function renderLitellm(plan: RequestPlan, o: RenderOptions): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  const endMs = requestEndMs(plan);
  const callId = litellmCallId(plan);
  const team = { 'metadata.user_api_key_team_id': plan.team.id, 'metadata.user_api_key_team_alias': plan.team.alias };
  const parent = plan.retrieval ? appSpanIds(plan).rootSpanId : undefined;
  const failure = plan.proxyError ?? lastError(plan);
  const retried =
    plan.attempts.length > 1 || o.numRetries > 0
      ? ` LiteLLM Retried: ${Math.max(0, plan.attempts.length - 1)} times, LiteLLM Max Retries: ${o.numRetries}`
      : '';

  spans.push(
    makeSpan({
      traceId: plan.traceId,
      spanId: plan.serverSpanId,
      parentSpanId: parent,
      name: 'Received Proxy Server Request',
      kind: SpanKind.SERVER,
      startMs: plan.startMs,
      endMs,
      attributes: failure
        ? { ...team, ...errorAttributes(failure, failure.message + retried, plan), 'litellm.preprocessing.duration_ms': 4.2 }
        : { ...team, 'url.path': ROUTE, 'http.route': ROUTE, 'http.response.status_code': 200 },
      events: failure ? [exceptionEvent(failure, failure.message + retried, endMs)] : [],
      status: { code: failure ? StatusCode.ERROR : StatusCode.OK },
      resource: LITELLM_RESOURCE,
      scope: LITELLM_SCOPE,
    }),
  );
  if (failure) {
    spans.push(
      makeSpan({
        traceId: plan.traceId,
        spanId: plan.serverSpanId.split('').reverse().join(''),
        parentSpanId: plan.serverSpanId,
        name: 'Failed Proxy Server Request',
        kind: SpanKind.INTERNAL,
        startMs: endMs - 1,
        endMs: endMs - 0.5,
        attributes: { exception: failure.message + retried },
        resource: LITELLM_RESOURCE,
        scope: LITELLM_SCOPE,
      }),
    );
  }
  if (plan.guardrail) {
    const g = plan.guardrail;
    spans.push(
      makeSpan({
        traceId: plan.traceId,
        spanId: `${plan.serverSpanId.slice(0, 8)}${plan.traceId.slice(24, 32)}`,
        parentSpanId: plan.serverSpanId,
        name: 'guardrail',
        kind: SpanKind.INTERNAL,
        startMs: g.startMs,
        endMs: g.startMs + g.durationMs,
        attributes: {
          'openinference.span.kind': 'GUARDRAIL',
          guardrail_name: g.name,
          guardrail_mode: 'pre_call',
          guardrail_status: g.intervened ? 'guardrail_intervened' : 'success',
          guardrail_action: g.intervened ? 'GUARDRAIL_INTERVENED' : '',
          guardrail_violation_categories: JSON.stringify(g.categories),
          guardrail_response: JSON.stringify(g.intervened ? { flagged: true, categories: { prompt_injection: true } } : { flagged: false }),
          masked_entity_count: '{}',
          ...team,
        },
        status: { code: StatusCode.OK },
        resource: LITELLM_RESOURCE,
        scope: LITELLM_SCOPE,
      }),
    );
  }
  plan.attempts.forEach((a, i) => {
    const isLast = i === plan.attempts.length - 1;
    spans.push(attemptSpan(plan, a, callId, o, isLast ? retried : ''));
    if (o.content && a.error === null) spans.push(rawRequestSpan(plan, a));
  });
  return spans;
}

function attemptSpan(plan: RequestPlan, a: Attempt, callId: string, o: RenderOptions, retried: string): OtlpSpan {
  const spec = a.spec;
  const cost = a.error ? { input: 0, output: 0, total: 0 } : costUsd(spec, a.inputTokens, a.outputTokens);
  const headers = a.rateLimit
    ? spec.provider === 'anthropic'
      ? {
          'llm_provider-anthropic-ratelimit-requests-limit': String(a.rateLimit.limitRequests),
          'llm_provider-anthropic-ratelimit-requests-remaining': String(a.rateLimit.remainingRequests),
          'llm_provider-anthropic-ratelimit-tokens-limit': String(a.rateLimit.limitTokens),
          'llm_provider-anthropic-ratelimit-tokens-remaining': String(a.rateLimit.remainingTokens),
          'llm_provider-anthropic-ratelimit-requests-reset': resetInstant(a.startMs, a.rateLimit.resetRequestsSecs),
          'llm_provider-anthropic-ratelimit-tokens-reset': resetInstant(a.startMs, a.rateLimit.resetTokensSecs),
        }
      : {
          x_ratelimit_limit_requests: a.rateLimit.limitRequests,
          x_ratelimit_remaining_requests: a.rateLimit.remainingRequests,
          x_ratelimit_limit_tokens: a.rateLimit.limitTokens,
          x_ratelimit_remaining_tokens: a.rateLimit.remainingTokens,
          'llm_provider-x-ratelimit-limit-requests': String(a.rateLimit.limitRequests),
          'llm_provider-x-ratelimit-remaining-requests': String(a.rateLimit.remainingRequests),
          'llm_provider-x-ratelimit-reset-requests': resetDuration(a.rateLimit.resetRequestsSecs),
          'llm_provider-x-ratelimit-limit-tokens': String(a.rateLimit.limitTokens),
          'llm_provider-x-ratelimit-remaining-tokens': String(a.rateLimit.remainingTokens),
          'llm_provider-x-ratelimit-reset-tokens': resetDuration(a.rateLimit.resetTokensSecs),
        }
    : {};
  const usage = a.error
    ? null
    : `{'completion_tokens': ${a.outputTokens}, 'prompt_tokens': ${a.inputTokens}, 'total_tokens': ${a.inputTokens + a.outputTokens}, 'completion_tokens_details': {'reasoning_tokens': 0}, 'prompt_tokens_details': {'cached_tokens': 0}}`;
  const hidden = {
    model_id: deploymentId(spec.model),
    cache_key: null,
    api_base: spec.apiBase,
    response_cost: cost.total,
    litellm_overhead_time_ms: 3.1,
    additional_headers: headers,
    batch_models: null,
    litellm_model_name: spec.model,
    usage_object: null,
  };
  const attrs: Attributes = {
    'metadata.user_api_key_hash': plan.key.hash,
    'metadata.user_api_key_alias': plan.key.alias,
    'metadata.user_api_key_spend': plan.keySpendUsd,
    'metadata.user_api_key_max_budget': '',
    'metadata.user_api_key_team_id': plan.team.id,
    'metadata.user_api_key_team_alias': plan.team.alias,
    'metadata.user_api_key_org_id': '',
    'metadata.user_api_key_user_id': '',
    'metadata.user_api_key_end_user_id': plan.user,
    'metadata.user_api_key_request_route': ROUTE,
    'metadata.requester_ip_address': '',
    'metadata.applied_guardrails': plan.guardrail ? `['${plan.guardrail.name}']` : '[]',
    'metadata.usage_object': usage ?? '',
    hidden_params: JSON.stringify(hidden),
    'http.route': ROUTE,
    'litellm.model_group': plan.modelGroup === spec.model ? plan.modelGroup : spec.model,
    'litellm.provider.model': spec.model,
    'litellm.call_id': callId,
    'gen_ai.request.model': spec.model,
    'llm.request.type': 'acompletion',
    'gen_ai.system': spec.provider,
    'gen_ai.request.max_tokens': plan.maxTokens,
    'llm.is_streaming': 'False',
    'llm.user': plan.user,
  };
  if (plan.responseFormat) attrs['gen_ai.request.response_format'] = JSON.stringify({ type: plan.responseFormat });
  if (a.error) {
    attrs['gen_ai.response.id'] = callId;
    Object.assign(attrs, errorAttributes(a.error, a.error.message + retried, plan, spec.provider));
  } else {
    attrs['gen_ai.cost.input_cost'] = cost.input;
    attrs['gen_ai.cost.output_cost'] = cost.output;
    attrs['gen_ai.cost.total_cost'] = cost.total;
    attrs['gen_ai.response.id'] = responseId(spec.provider, a.spanId);
    attrs['gen_ai.response.model'] = a.responseModel;
    attrs['gen_ai.usage.total_tokens'] = a.inputTokens + a.outputTokens;
    attrs['gen_ai.usage.output_tokens'] = a.outputTokens;
    attrs['gen_ai.usage.input_tokens'] = a.inputTokens;
  }
  if (o.content) {
    attrs['gen_ai.input.messages'] = messagesJson([
      { role: 'system', text: systemPromptOf(plan) },
      { role: 'user', text: plan.userPrompt },
    ]);
    attrs['gen_ai.operation.name'] = 'acompletion';
    if (!a.error) {
      attrs['gen_ai.output.messages'] = messagesJson([{ role: 'assistant', text: a.outputText, finishReason: a.finishReason }]);
      attrs['gen_ai.response.finish_reasons'] = JSON.stringify([a.finishReason]);
    }
  }
  const endMs = a.startMs + a.durationMs;
  return makeSpan({
    traceId: plan.traceId,
    spanId: a.spanId,
    parentSpanId: plan.serverSpanId,
    name: 'litellm_request',
    kind: SpanKind.INTERNAL,
    startMs: a.startMs,
    endMs,
    attributes: attrs,
    events: a.error ? [exceptionEvent(a.error, a.error.message + retried, endMs)] : evaluationEvents(a, endMs),
    status: { code: a.error ? StatusCode.ERROR : StatusCode.OK },
    resource: LITELLM_RESOURCE,
    scope: LITELLM_SCOPE,
  });
}

function rawRequestSpan(plan: RequestPlan, a: Attempt): OtlpSpan {
  const p = a.spec.provider === 'gemini' ? 'gemini' : a.spec.provider;
  return makeSpan({
    traceId: plan.traceId,
    spanId: `${a.spanId.slice(8)}${a.spanId.slice(0, 8)}`,
    parentSpanId: a.spanId,
    name: 'raw_gen_ai_request',
    kind: SpanKind.INTERNAL,
    startMs: a.startMs + 1,
    endMs: a.startMs + a.durationMs - 1,
    attributes: {
      [`llm.${p}.model`]: a.spec.model,
      [`llm.${p}.max_tokens`]: plan.maxTokens,
      [`llm.${p}.id`]: responseId(a.spec.provider, a.spanId),
      [`llm.${p}.usage`]: `{'prompt_tokens': ${a.inputTokens}, 'completion_tokens': ${a.outputTokens}}`,
    },
    status: { code: StatusCode.OK },
    resource: LITELLM_RESOURCE,
    scope: LITELLM_SCOPE,
  });
}

function errorAttributes(e: ErrorShape, message: string, plan: RequestPlan, provider?: string): Attributes {
  const llmProvider = provider ?? plan.attempts[plan.attempts.length - 1]?.spec.provider;
  return {
    'error.code': e.code,
    'http.response.status_code': e.status,
    'error.type': e.type,
    'error.message': message,
    ...(llmProvider && plan.proxyError === null ? { 'error.llm_provider': llmProvider } : {}),
    'error.stack_trace': `Traceback (most recent call last):\n  File "/usr/lib/python3.13/site-packages/litellm/main.py", line 512, in acompletion\nlitellm.exceptions.${e.type}`,
  };
}

function exceptionEvent(e: ErrorShape, message: string, atMs: number) {
  return {
    name: 'exception',
    atMs,
    attributes: {
      'exception.type': `litellm.exceptions.${e.type}`,
      'exception.message': message,
      'exception.stacktrace': `Traceback (most recent call last):\n  ...\nlitellm.exceptions.${e.type}: ${e.message.slice(0, 80)}`,
      'exception.escaped': 'False',
    },
  };
}

function lastError(plan: RequestPlan): ErrorShape | null {
  const last = plan.attempts[plan.attempts.length - 1];
  return last?.error ?? null;
}

export function litellmCallId(plan: RequestPlan): string {
  const t = plan.traceId;
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-4${t.slice(13, 16)}-a${t.slice(17, 20)}-${t.slice(20, 32)}`;
}

export function responseId(provider: string, spanId: string): string {
  return provider === 'anthropic' ? `msg_01${spanId}` : provider === 'gemini' ? spanId : `chatcmpl-${spanId}`;
}

export function deploymentId(model: string): string {
  let h = 2166136261;
  for (let i = 0; i < model.length; i++) h = Math.imul(h ^ model.charCodeAt(i), 16777619) >>> 0;
  return `${h.toString(16).padStart(8, '0')}-deploy`;
}

/** Anthropic's reset header: the RFC 3339 instant (whole seconds) the limit is full again. */
function resetInstant(startMs: number, secs: number): string {
  return new Date(Math.ceil((startMs + secs * 1000) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** OpenAI's reset header: a duration such as "6m0s", "1.5s" or "120ms". */
function resetDuration(secs: number): string {
  if (secs < 1) return `${Math.max(1, Math.round(secs * 1000))}ms`;
  if (secs < 60) return `${Math.round(secs * 10) / 10}s`;
  return `${Math.floor(secs / 60)}m${Math.round(secs % 60)}s`;
}
