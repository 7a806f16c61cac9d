import { describe, expect, it } from 'vitest';
import { GatewayRequest, GuardrailCall, LlmCall } from '../../../agent/core/model/llm-call.ts';
import {
  E2_MESSAGE,
  e1Success,
  e2RateLimited,
  e3Overloaded,
  e4SafetyBlock,
  e5Timeout,
  e6ContextOverflow,
  guardrailIntervened,
  openAiProviderHeaders,
  PROXY_SPAN_ID,
  proxyServerRateLimited,
  proxyServerSuccess,
  reasoningWithProviderHeaders,
  serviceSpans,
  v2024Failure,
  v2024Success,
  v2025ProxySpanWithLlmAttributes,
} from '../../fixtures/spans/litellm-v1.ts';
import { normalizeLlm, normalizeOne, runNormalize } from './run-normalize.ts';

describe('normalize reads the LiteLLM default engine', () => {
  it('reads E1 (success) with tokens, cost, headroom, identity and content', async () => {
    const call = await normalizeLlm(e1Success.input);
    expect(call).toMatchObject({
      provider: 'openai',
      providerRaw: 'openai',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      responseId: 'chatcmpl-B9xYzQ2',
      modelGroup: 'gpt-4o',
      deploymentId: '0f3c9a7e',
      apiBase: 'https://api.openai.com',
      operation: 'chat',
      operationRaw: 'acompletion',
      streaming: false,
      outcome: 'ok',
      error: null,
      finishReasons: ['stop'],
      finishReasonsRaw: ['stop'],
      request: { maxTokens: 256, temperature: null, topP: null },
    });
    expect(call.tokens).toEqual({ input: 12, output: 9, total: 21, reasoning: 0, cacheRead: 0, cacheWrite: null });
    expect(call.cost).toEqual({
      totalUsd: 0.00012,
      inputUsd: 3.0e-5,
      outputUsd: 9.0e-5,
      breakdown: { input_cost: 3.0e-5, output_cost: 9.0e-5, total_cost: 0.00012 },
    });
    expect(call.rateLimit).toEqual({
      limitRequests: 10000,
      remainingRequests: 9999,
      resetRequests: null,
      limitTokens: 30000000,
      remainingTokens: 29999979,
      resetTokens: null,
      retryAfterSec: null,
      headers: {},
    });
    expect(call.identity).toEqual({
      user: null,
      endUser: null,
      team: 'team-42',
      teamAlias: 'search',
      org: null,
      keyAlias: 'prod-backend',
      keyHash: '4f2a9b7c1d3e5f60e91c',
      route: '/chat/completions',
      sessionId: null,
      tags: [],
    });
    expect(call.content).toEqual({
      systemPrompt: null,
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'hi', name: null }], finishReason: null }],
      outputMessages: [
        { role: 'assistant', parts: [{ type: 'text', content: 'Hello! How can I help?', name: null }], finishReason: 'stop' },
      ],
      outputText: 'Hello! How can I help?',
      responseFormat: null,
    });
    expect(call.resource).toEqual({ serviceName: 'litellm', environment: 'production', k8sNamespace: null, k8sPod: null, k8sNode: null });
    expect(call.source).toMatchObject({
      parentSpanId: PROXY_SPAN_ID,
      spanName: 'litellm_request',
      scopeName: 'litellm',
      vocabulary: 'litellm',
    });
  });

  it('reads E2 (429) with the status, class, message, provider and exception event', async () => {
    const call = await normalizeLlm(e2RateLimited.input);
    expect(call.outcome).toBe('error');
    expect(call.error).toEqual({
      httpStatus: 429,
      code: '429',
      type: 'RateLimitError',
      message: E2_MESSAGE,
      provider: 'openai',
      exceptions: [{ type: 'RateLimitError', message: E2_MESSAGE, timeMs: call.timing.endMs }],
    });
    expect(call.tokens).toEqual({ input: null, output: null, total: null, reasoning: null, cacheRead: null, cacheWrite: null });
    expect(call.responseModel).toBeNull();
    expect(call.rateLimit).toBeNull();
    expect(call.content).toBeNull();
  });

  it('takes the failed attempt’s response id as the LiteLLM call id', async () => {
    const call = await normalizeLlm(e2RateLimited.input);
    expect(call.callId).toBe('8c1d7c4e-1f0a-4c53-9a77-5b3c2d1e0f99');
    expect(call.responseId).toBeNull();
  });

  it('keeps E3 (Anthropic 529) at status 500 with the overloaded_error message', async () => {
    const call = await normalizeLlm(e3Overloaded.input);
    expect(call.error).toMatchObject({ httpStatus: 500, code: '500', type: 'InternalServerError', provider: 'anthropic' });
    expect(call.error?.message).toContain('overloaded_error');
    expect(call.error?.exceptions[0].message).toContain('overloaded_error');
  });

  it('reads E4 (Gemini safety block) as an ok call with content_filter and an empty answer', async () => {
    const call = await normalizeLlm(e4SafetyBlock.input);
    expect(call).toMatchObject({ outcome: 'ok', provider: 'gcp.vertex_ai', providerRaw: 'vertex_ai', finishReasons: ['content_filter'] });
    expect(call.tokens).toMatchObject({ input: 18, output: 0 });
    expect(call.content?.outputMessages).toEqual([{ role: 'assistant', parts: [], finishReason: 'content_filter' }]);
    expect(call.content?.outputText).toBeNull();
  });

  it('reads E5 (timeout) with status 408 and the span duration', async () => {
    const call = await normalizeLlm(e5Timeout.input);
    expect(call.error).toMatchObject({ httpStatus: 408, code: '408', type: 'Timeout' });
    expect(call.timing.durationMs).toBe(600_000);
  });

  it('reads E6 (context overflow) with status 400 and ContextWindowExceededError', async () => {
    const call = await normalizeLlm(e6ContextOverflow.input);
    expect(call.error).toMatchObject({ httpStatus: 400, type: 'ContextWindowExceededError' });
    expect(call.error?.message).toContain('maximum context length is 128000 tokens');
  });

  it('reads reasoning and cached tokens from a usage_object repr with pydantic wrappers', async () => {
    const call = await normalizeLlm(reasoningWithProviderHeaders);
    expect(call.tokens).toEqual({ input: 2048, output: 420, total: 2468, reasoning: 256, cacheRead: 1024, cacheWrite: 512 });
    expect(call.streaming).toBe(true);
  });

  it('reads Anthropic rate-limit provider headers and retry-after', async () => {
    const call = await normalizeLlm(reasoningWithProviderHeaders);
    expect(call.rateLimit).toMatchObject({
      limitRequests: 4000,
      remainingRequests: 12,
      resetRequests: '2026-01-01T00:00:07Z',
      limitTokens: 400000,
      remainingTokens: 1500,
      resetTokens: '2026-01-01T00:00:03Z',
      retryAfterSec: 7,
    });
    expect(call.rateLimit?.headers).toMatchObject({
      'anthropic-ratelimit-requests-remaining': '12',
      'request-id': 'req_011CPq',
      'retry-after': '7',
    });
    expect(call.cost.totalUsd).toBe(0.0123);
    expect(call.cost.breakdown).toEqual({ total_cost: 0.0123, tool_usage_cost: 0 });
  });

  it('reads OpenAI reset headers and retry-after-ms next to the parsed limits', async () => {
    const call = await normalizeLlm(openAiProviderHeaders);
    expect(call.provider).toBe('azure.ai.openai');
    expect(call.rateLimit).toMatchObject({
      remainingRequests: 3,
      remainingTokens: 1200,
      resetRequests: '6m0s',
      resetTokens: '1s',
      retryAfterSec: 1.5,
    });
  });

  it('takes the total cost from hidden_params when no gen_ai.cost attribute is set', async () => {
    const {
      'gen_ai.cost.total_cost': _t,
      'gen_ai.cost.input_cost': _i,
      'gen_ai.cost.output_cost': _o,
      ...attributes
    } = e1Success.input.attributes!;
    const call = await normalizeLlm({ ...e1Success.input, attributes });
    expect(call.cost).toEqual({ totalUsd: 0.00012, inputUsd: null, outputUsd: null, breakdown: {} });
  });

  it('reads the 2024 shape: old token names and indexed prompt and completion', async () => {
    const call = await normalizeLlm(v2024Success);
    expect(call.tokens).toMatchObject({ input: 30, output: 7, total: 37 });
    expect(call.operation).toBe('chat');
    expect(call.operationRaw).toBe('completion');
    expect(call.finishReasons).toEqual(['stop']);
    expect(call.content?.systemPrompt).toBe('Answer briefly.');
    expect(call.content?.inputMessages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(call.content?.outputText).toBe('Paris.');
  });

  it('reads a 2024 failure that carries no error attributes as an error with nothing else known', async () => {
    const call = await normalizeLlm(v2024Failure);
    expect(call.outcome).toBe('error');
    expect(call.error).toEqual({ httpStatus: null, code: null, type: null, message: null, provider: null, exceptions: [] });
    expect(call.streaming).toBe(true);
    expect(call.identity.team).toBe('team-7');
  });

  it('reads the 2025 proxy SERVER span that carries the LLM attributes as an LlmCall', async () => {
    const call = await normalizeLlm(v2025ProxySpanWithLlmAttributes);
    expect(call.source.spanName).toBe('Received Proxy Server Request');
    expect(call.error).toMatchObject({ httpStatus: 429, code: '429', type: 'RateLimitError' });
    expect(call.retry).toEqual({ retries: 2, maxRetries: 2, fallbacks: null });
  });

  it('reads the proxy SERVER span without LLM attributes as a GatewayRequest', async () => {
    const item = GatewayRequest.parse(await normalizeOne(proxyServerSuccess));
    expect(item).toMatchObject({ kind: 'gateway_request', outcome: 'ok', httpStatus: 200, route: '/chat/completions', error: null });
    expect(item.identity.team).toBe('team-42');
  });

  it('reads a failed proxy request with its status, error and exhausted retries', async () => {
    const item = GatewayRequest.parse(await normalizeOne(proxyServerRateLimited));
    expect(item).toMatchObject({ outcome: 'error', httpStatus: 429, retry: { retries: 2, maxRetries: 2, fallbacks: null } });
    expect(item.error).toMatchObject({ type: 'RateLimitError', code: '429' });
  });

  it('reads a guardrail span with its status, action, categories and masked entity total', async () => {
    const item = GuardrailCall.parse(await normalizeOne(guardrailIntervened));
    expect(item).toMatchObject({
      kind: 'guardrail',
      name: 'presidio-pii',
      mode: 'pre_call',
      status: 'guardrail_intervened',
      action: 'GUARDRAIL_INTERVENED',
      violationCategories: ['PII'],
      maskedEntityCount: 3,
      outcome: 'ok',
    });
    expect(item.source.vocabulary).toBe('litellm');
  });

  it('passes over service, raw request and failure-note spans', async () => {
    const out = await runNormalize(serviceSpans);
    expect(out.calls).toEqual([]);
  });

  it('normalizes a whole proxy trace into one gateway request and its attempts', async () => {
    const out = await runNormalize([proxyServerRateLimited, e2RateLimited.input, guardrailIntervened, ...serviceSpans]);
    expect(out.calls.map((c) => c.kind).sort()).toEqual(['gateway_request', 'guardrail', 'llm']);
    const llm = LlmCall.parse(out.calls.find((c) => c.kind === 'llm'));
    expect(llm.source.parentSpanId).toBe(PROXY_SPAN_ID);
  });
});
