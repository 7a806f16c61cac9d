// How each provider's failures reach a LiteLLM span: status, exception class and message as LiteLLM
// maps them (a 429, Anthropic's overload as a 500 InternalServerError, a timeout, a context window
// overflow as a 400). Provider texts are realistic, not verbatim.
import type { ErrorShape } from './plan.ts';
import type { ModelSpec } from './price-table.ts';
import type { ERROR_KINDS } from './scenario-schema.ts';

export type ErrorKind = (typeof ERROR_KINDS)[number];

const PREFIX: Record<ModelSpec['provider'], string> = {
  openai: 'OpenAIException',
  anthropic: 'AnthropicException',
  gemini: 'GeminiException',
};

export function providerError(kind: ErrorKind, spec: ModelSpec, timeoutMs: number): ErrorShape {
  const p = PREFIX[spec.provider];
  switch (kind) {
    case 'rate_limited':
      return rateLimitError(spec, 'tokens');
    case 'quota_exhausted':
      return spec.provider === 'openai'
        ? {
            status: 429,
            type: 'RateLimitError',
            code: '429',
            message: `litellm.RateLimitError: RateLimitError: ${p} - You exceeded your current quota, please check your plan and billing details. (insufficient_quota)`,
          }
        : spec.provider === 'anthropic'
          ? {
              status: 400,
              type: 'BadRequestError',
              code: '400',
              message: `litellm.BadRequestError: ${p} - {"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API."}}`,
            }
          : {
              status: 429,
              type: 'RateLimitError',
              code: '429',
              message: `litellm.RateLimitError: ${p} - {"error":{"code":429,"message":"Quota exceeded for quota metric 'Generate Content requests per day' (limit: 0)","status":"RESOURCE_EXHAUSTED"}}`,
            };
    case 'overloaded':
      return spec.provider === 'anthropic'
        ? {
            status: 500,
            type: 'InternalServerError',
            code: '500',
            message: `litellm.InternalServerError: AnthropicError - {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`,
          }
        : {
            status: 503,
            type: 'ServiceUnavailableError',
            code: '503',
            message: `litellm.ServiceUnavailableError: ${p} - The model is overloaded. Please try again later.`,
          };
    case 'outage':
      return {
        status: 503,
        type: 'ServiceUnavailableError',
        code: '503',
        message: `litellm.ServiceUnavailableError: ${p} - Service Unavailable`,
      };
    case 'timeout':
      return {
        status: 408,
        type: 'Timeout',
        code: '408',
        message: `litellm.Timeout: APITimeoutError - Request timed out. Error_str: Request timed out. (timeout=${Math.round(timeoutMs / 1000)}s)`,
      };
    case 'connection_error':
      return { status: 500, type: 'APIConnectionError', code: '500', message: `litellm.APIConnectionError: ${p} - Connection error.` };
    case 'context_overflow':
      return {
        status: 400,
        type: 'ContextWindowExceededError',
        code: '400',
        message: `litellm.ContextWindowExceededError: litellm.BadRequestError: ContextWindowExceededError: ${p} - This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.`,
      };
  }
}

/** A 429 from the provider because a deployment's per-minute limit ran out. */
export function rateLimitError(spec: ModelSpec, scope: 'tokens' | 'requests', used?: number, requested?: number): ErrorShape {
  const p = PREFIX[spec.provider];
  if (spec.provider === 'anthropic') {
    return {
      status: 429,
      type: 'RateLimitError',
      code: '429',
      message: `litellm.RateLimitError: AnthropicException - {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of ${scope === 'tokens' ? `${spec.tokensPerMin} input tokens` : `${spec.requestsPerMin} requests`} per minute."}}`,
    };
  }
  if (spec.provider === 'gemini') {
    return {
      status: 429,
      type: 'RateLimitError',
      code: '429',
      message: `litellm.RateLimitError: ${p} - {"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}`,
    };
  }
  const limit = scope === 'tokens' ? spec.tokensPerMin : spec.requestsPerMin;
  const unit = scope === 'tokens' ? 'tokens per min (TPM)' : 'requests per min (RPM)';
  return {
    status: 429,
    type: 'RateLimitError',
    code: '429',
    message: `litellm.RateLimitError: RateLimitError: ${p} - Rate limit reached for ${spec.model} in organization org-northwind on ${unit}: Limit ${limit}, Used ${used ?? limit}, Requested ${requested ?? 1}. Please try again in 1.508s.`,
  };
}

/** Errors worth a router retry (LiteLLM does not retry 400s). */
export function isRetryable(e: ErrorShape): boolean {
  return e.status === 429 || e.status === 408 || e.status >= 500;
}
