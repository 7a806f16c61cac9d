import { describe, expect, it } from 'vitest';
import { EmbeddingCall, GatewayRequest, GuardrailCall, IngestionRun, RetrievalCall } from '../../../agent/core/model/llm-call.ts';
import * as v2 from '../../fixtures/spans/litellm-v2.ts';
import * as otel from '../../fixtures/spans/otel-genai.ts';
import * as oi from '../../fixtures/spans/openinference.ts';
import * as openllmetry from '../../fixtures/spans/openllmetry.ts';
import * as js from '../../fixtures/spans/otel-js-openai.ts';
import { normalizeLlm, normalizeOne, runNormalize } from './run-normalize.ts';

describe('normalize reads the LiteLLM v2 engine', () => {
  it('reads cost, cache tokens, time to first chunk, streaming and baggage identity', async () => {
    const call = await normalizeLlm(v2.scenarios.success.input);
    expect(call).toMatchObject({
      callId: '0d6c2a51-3d8e-4a57-b5a0-9f3f7a2c1e10',
      apiBase: 'api.openai.com',
      streaming: true,
      finishReasonsRaw: ['stop'],
      operationRaw: 'chat',
      outcome: 'ok',
    });
    expect(call.tokens).toEqual({ input: 1200, output: 80, total: 1280, reasoning: null, cacheRead: 1024, cacheWrite: 0 });
    expect(call.cost).toEqual({
      totalUsd: 0.00386,
      inputUsd: 0.00306,
      outputUsd: 0.0008,
      breakdown: { total: 0.00386, input: 0.00306, output: 0.0008, cache_read: 0.00128 },
    });
    expect(call.timing.timeToFirstTokenMs).toBeCloseTo(412);
    expect(call.identity).toMatchObject({ team: 'team-42', teamAlias: 'search', keyHash: '4f2a9b7c1d3e5f60e91c', endUser: 'customer-981' });
    expect(call.resource).toEqual({
      serviceName: 'litellm-proxy',
      environment: 'staging',
      k8sNamespace: 'ai-gateway',
      k8sPod: 'litellm-7d9f-abcde',
      k8sNode: 'node-3',
    });
  });

  it('reads the provider error code and the status message as the error', async () => {
    const call = await normalizeLlm(v2.scenarios.rateLimited.input);
    expect(call.error).toMatchObject({ httpStatus: 429, code: '429', type: 'RateLimitError', provider: 'openai' });
    expect(call.error?.message).toMatch(/^litellm\.RateLimitError/);
    expect(call.streaming).toBe(false);
  });

  it('reads the FastAPI SERVER span as a GatewayRequest with the route from its name', async () => {
    const item = GatewayRequest.parse(await normalizeOne(v2.serverSpan));
    expect(item).toMatchObject({ httpStatus: 200, route: '/v1/chat/completions', outcome: 'ok' });
    expect(item.source.vocabulary).toBe('litellm_v2');
  });

  it('reads an execute_guardrail span, naming the guardrail from the span name', async () => {
    const item = GuardrailCall.parse(await normalizeOne(v2.guardrailSpan));
    expect(item).toMatchObject({
      name: 'lakera-prompt-injection',
      status: 'guardrail_intervened',
      violationCategories: ['prompt_injection'],
      outcome: 'error',
    });
  });

  it('passes over DB spans that only carry the identity baggage', async () => {
    expect((await runNormalize([v2.postgresSpan])).calls).toEqual([]);
  });
});

describe('normalize reads OTel GenAI spans', () => {
  it('reads ≥1.37 content, reasoning and cache tokens, and the request settings', async () => {
    const call = await normalizeLlm(otel.scenarios.success.input);
    expect(call.tokens).toEqual({ input: 3000, output: 700, total: 3700, reasoning: 512, cacheRead: 2048, cacheWrite: null });
    expect(call.request).toEqual({ maxTokens: 2048, temperature: 0, topP: null });
    expect(call.streaming).toBe(false);
    expect(call.finishReasonsRaw).toEqual(['tool_calls']);
    expect(call.identity.sessionId).toBe('conv-77');
    expect(call.content).toEqual({
      systemPrompt: 'You are a support agent.',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: 'Where is order 123?', name: null }], finishReason: null }],
      outputMessages: [
        {
          role: 'assistant',
          parts: [
            { type: 'text', content: 'Let me check.', name: null },
            { type: 'tool_call', content: '{"id":"123"}', name: 'get_order' },
          ],
          finishReason: 'tool_call',
        },
      ],
      outputText: 'Let me check.',
      responseFormat: 'json',
    });
  });

  it('reads the HTTP status from the Python SDK message and the class from the exception event', async () => {
    const call = await normalizeLlm(otel.scenarios.rateLimited.input);
    expect(call.error?.httpStatus).toBe(429);
    expect(call.error?.exceptions[0].type).toBe('RateLimitError');
    expect(call.error?.message).toMatch(/^Error code: 429/);
  });

  it('reads ≤1.36 names and aliases the old Azure provider value, with evaluation scores', async () => {
    const call = await normalizeLlm(otel.legacySuccess);
    expect(call).toMatchObject({ provider: 'azure.ai.openai', providerRaw: 'az.ai.openai', finishReasons: ['length'], content: null });
    expect(call.tokens).toMatchObject({ input: 40, output: 12, total: 52 });
    expect(call.evaluation).toEqual({ relevance: 0.82 });
  });

  it('reads v1.26–1.27 prompt and completion span events', async () => {
    const call = await normalizeLlm(otel.contentSpanEvents);
    expect(call.content?.systemPrompt).toBe('Be terse.');
    expect(call.content?.inputMessages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(call.content?.outputText).toBe('Hi.');
  });

  it('reads a retrieval span into a RetrievalCall', async () => {
    const item = RetrievalCall.parse(await normalizeOne(otel.retrievalSpan));
    expect(item).toMatchObject({ kind: 'retrieval', dataSource: 'product-docs', query: 'refund policy', documents: [] });
  });

  it('reads an embeddings span into an EmbeddingCall', async () => {
    const item = EmbeddingCall.parse(await normalizeOne(otel.embeddingsSpan));
    expect(item).toMatchObject({
      provider: 'openai',
      requestModel: 'text-embedding-3-small',
      inputTokens: 8,
      dimensions: 1536,
      vectors: [],
    });
  });

  it('reads an ingest span into an IngestionRun', async () => {
    const item = IngestionRun.parse(await normalizeOne(otel.ingestionSpan));
    expect(item).toMatchObject({ dataSource: 'product-docs', documentsProcessed: 120, documentsFailed: 3, outcome: 'error' });
    expect(item.error?.message).toBe('3 documents failed to parse');
  });
});

describe('normalize reads OpenInference spans', () => {
  it('reads flattened messages, token counts, invocation parameters and session identity', async () => {
    const call = await normalizeLlm(oi.scenarios.success.input);
    expect(call).toMatchObject({
      provider: 'openai',
      requestModel: 'gpt-4o-2024-08-06',
      streaming: true,
      operation: 'chat',
      operationRaw: null,
    });
    expect(call.request).toEqual({ maxTokens: 512, temperature: 0.2, topP: null });
    expect(call.tokens).toEqual({ input: 120, output: 30, total: 150, reasoning: 0, cacheRead: 64, cacheWrite: null });
    expect(call.identity).toMatchObject({ user: 'user-5', sessionId: 'sess-9', tags: ['beta', 'eu'] });
    expect(call.content).toMatchObject({
      systemPrompt: 'Answer in JSON.',
      outputText: '{"colors":["red","blue"]}',
      responseFormat: 'json_object',
    });
    expect(call.content?.inputMessages).toHaveLength(2);
  });

  it('reads a RETRIEVER span with documents, scores and index timestamps', async () => {
    const item = RetrievalCall.parse(await normalizeOne(oi.retrieverSpan));
    expect(item.query).toBe('How do refunds work?');
    expect(item.documents).toEqual([
      { id: 'doc-1', score: 0.91, content: 'Refunds are issued within 14 days.', timestampMs: Date.parse('2025-06-01T00:00:00Z') },
      { id: 'doc-2', score: 0.42, content: 'Shipping takes 3 days.', timestampMs: 1735689600_000 },
    ]);
  });

  it('drops document text and the query when content capture is off', async () => {
    const item = RetrievalCall.parse(await normalizeOne(oi.retrieverSpan, { capture_content: false }));
    expect(item.query).toBeNull();
    expect(item.documents.map((d) => d.content)).toEqual([null, null]);
  });

  it('reads an EMBEDDING span with its vectors', async () => {
    const item = EmbeddingCall.parse(await normalizeOne(oi.embeddingSpan));
    expect(item).toMatchObject({ requestModel: 'text-embedding-3-small', inputTokens: 5, dimensions: 3, vectors: [[0.1, -0.2, 0.3]] });
  });

  it('reads a GUARDRAIL span', async () => {
    const item = GuardrailCall.parse(await normalizeOne(oi.guardrailSpan));
    expect(item).toMatchObject({ name: 'toxic-language', status: 'success', violationCategories: [], maskedEntityCount: 0 });
    expect(item.source.vocabulary).toBe('openinference');
  });

  it('passes over CHAIN spans', async () => {
    expect((await runNormalize([oi.chainSpan])).calls).toEqual([]);
  });
});

describe('normalize reads OpenLLMetry legacy spans', () => {
  it('reads indexed prompt and completion with tool calls, and the Traceloop session', async () => {
    const call = await normalizeLlm(openllmetry.scenarios.success.input);
    expect(call).toMatchObject({ providerRaw: 'OpenAI', provider: 'openai', operation: 'chat', operationRaw: 'chat', streaming: false });
    expect(call.tokens).toMatchObject({ input: 52, output: 14, total: 66 });
    expect(call.identity.sessionId).toBe('sess-31');
    expect(call.content?.outputMessages).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'billing', name: null },
          { type: 'tool_call', content: '{"label":"billing"}', name: 'set_label' },
        ],
        finishReason: 'stop',
      },
    ]);
  });
});

describe('normalize reads @opentelemetry/instrumentation-openai spans', () => {
  it('reads the request settings and usage of a success', async () => {
    const call = await normalizeLlm(js.scenarios.success.input);
    expect(call.request).toEqual({ maxTokens: 100, temperature: 0.7, topP: 1 });
    expect(call.tokens).toMatchObject({ input: 22, output: 5, total: 27 });
    expect(call.content).toBeNull();
  });

  it('parses the leading HTTP status of the status message, and retries from the proxy text', async () => {
    const call = await normalizeLlm(js.scenarios.overloaded.input);
    expect(call.error).toMatchObject({ httpStatus: 500, type: 'InternalServerError', code: null, exceptions: [] });
    expect(call.retry).toEqual({ retries: 2, maxRetries: 2, fallbacks: null });
  });
});
