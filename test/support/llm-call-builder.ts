// Builds valid normalized items for processors that sit after normalize.
import type { GatewayRequest, LlmCall } from '../../agent/core/model/llm-call.ts';

const base = (traceId: string, spanId: string, parentSpanId: string, startMs: number, endMs: number, kind: number) => ({
  source: {
    traceId,
    spanId,
    parentSpanId,
    spanName: 'litellm_request',
    spanKind: kind,
    scopeName: 'litellm',
    vocabulary: 'litellm' as const,
  },
  resource: { serviceName: 'litellm', environment: 'production', k8sNamespace: null, k8sPod: null, k8sNode: null },
  timing: { startMs, endMs, durationMs: endMs - startMs, timeToFirstTokenMs: null },
  identity: {
    user: null,
    endUser: null,
    team: 'team-42',
    teamAlias: null,
    org: null,
    keyAlias: null,
    keyHash: null,
    route: null,
    sessionId: null,
    tags: [],
  },
  signals: [],
});

export interface CallSpec {
  traceId?: string;
  spanId: string;
  parentSpanId?: string;
  startMs?: number;
  endMs?: number;
  outcome?: 'ok' | 'error';
  model?: string;
  provider?: string;
  callId?: string | null;
}

export function llmCall(spec: CallSpec): LlmCall {
  const start = spec.startMs ?? 1_000;
  const outcome = spec.outcome ?? 'ok';
  return {
    kind: 'llm',
    ...base(spec.traceId ?? 'a'.repeat(32), spec.spanId, spec.parentSpanId ?? '', start, spec.endMs ?? start + 500, 1),
    outcome,
    error:
      outcome === 'error'
        ? { httpStatus: 429, code: '429', type: 'RateLimitError', message: 'Rate limit reached', provider: 'openai', exceptions: [] }
        : null,
    callId: spec.callId ?? null,
    responseId: null,
    provider: spec.provider ?? 'openai',
    providerRaw: spec.provider ?? 'openai',
    requestModel: spec.model ?? 'gpt-4o',
    responseModel: outcome === 'ok' ? (spec.model ?? 'gpt-4o') : null,
    modelGroup: null,
    deploymentId: null,
    apiBase: null,
    operation: 'chat',
    operationRaw: 'acompletion',
    streaming: false,
    tokens: { input: 12, output: 9, total: 21, reasoning: null, cacheRead: null, cacheWrite: null },
    cost: { totalUsd: 0.00012, inputUsd: null, outputUsd: null, breakdown: {} },
    rateLimit: null,
    finishReasons: outcome === 'ok' ? ['stop'] : [],
    finishReasonsRaw: [],
    request: { maxTokens: null, temperature: null, topP: null },
    content: null,
    retry: { retries: null, maxRetries: null, fallbacks: null },
    evaluation: {},
  };
}

export function gatewayRequest(spec: {
  traceId?: string;
  spanId: string;
  outcome?: 'ok' | 'error';
  startMs?: number;
  endMs?: number;
}): GatewayRequest {
  const start = spec.startMs ?? 900;
  const outcome = spec.outcome ?? 'ok';
  return {
    kind: 'gateway_request',
    ...base(spec.traceId ?? 'a'.repeat(32), spec.spanId, '', start, spec.endMs ?? start + 2_000, 2),
    outcome,
    error: null,
    httpStatus: outcome === 'ok' ? 200 : 500,
    route: '/chat/completions',
    retry: { retries: null, maxRetries: null, fallbacks: null },
  };
}
