import { describe, expect, it } from 'vitest';
import { reasoningWithProviderHeaders, openAiProviderHeaders, e1Success } from '../../fixtures/spans/litellm-v1.ts';
import * as f from '../../fixtures/spans/litellm-failures.ts';
import type { SpanInput } from '../../support/span-builder.ts';
import { kinds, signalsOf } from './run-detectors.ts';

/** A successful LiteLLM span carrying the given hidden_params.additional_headers. */
const withHeaders = (provider: string, headers: Record<string, unknown>, extra: Record<string, unknown> = {}): SpanInput => ({
  ...e1Success.input,
  attributes: {
    ...e1Success.input.attributes,
    'gen_ai.system': provider,
    hidden_params: JSON.stringify({ additional_headers: headers }),
    ...extra,
  },
});

describe('OpenAI family', () => {
  it('reads a 429 saying "exceeded your current quota" as quota_exhausted, not rate_limited', async () => {
    const [s] = await signalsOf(f.openAiQuota);
    expect(s).toMatchObject({
      subtype: 'quota_exhausted',
      detection_method: 'message_pattern',
      evidence: { rule: 'pattern:openai_quota', http_status: 429 },
    });
  });

  it('reads error.code insufficient_quota as quota_exhausted at full confidence, for Azure too', async () => {
    const [s] = await signalsOf(f.openAiQuotaByCode);
    expect(s).toMatchObject({
      subtype: 'quota_exhausted',
      detection_method: 'error_code',
      confidence: 1,
      evidence: { rule: 'code:insufficient_quota', error_code: 'insufficient_quota' },
    });
  });

  it('flags rate_limit_headroom_low when remaining requests fall under 10% of the limit on a successful call', async () => {
    const [s] = await signalsOf(openAiProviderHeaders);
    expect(s).toMatchObject({
      category: 'provider',
      subtype: 'rate_limit_headroom_low',
      detection_method: 'rate_limit_headers',
      confidence: 1,
      evidence: {
        scarcest: 'requests',
        requests_remaining: 3,
        requests_limit: 600,
        requests_ratio: 0.005,
        tokens_ratio: 0.0133,
        threshold: 0.1,
      },
      fields: { retry_after_sec: 1.5 },
    });
  });

  it('leaves a successful call with plenty of headroom alone', async () => {
    expect(await signalsOf(e1Success.input)).toEqual([]);
  });

  it('judges headroom on tokens as well as requests', async () => {
    const input = withHeaders('openai', {
      x_ratelimit_limit_requests: 100,
      x_ratelimit_remaining_requests: 90,
      x_ratelimit_limit_tokens: 10_000,
      x_ratelimit_remaining_tokens: 500,
    });
    const [s] = await signalsOf(input);
    expect(s.evidence).toMatchObject({ scarcest: 'tokens', tokens_ratio: 0.05, requests_ratio: 0.9 });
  });

  it('takes the headroom threshold from headroom_ratio', async () => {
    const input = withHeaders('openai', { x_ratelimit_limit_requests: 100, x_ratelimit_remaining_requests: 20 });
    expect(await signalsOf(input)).toEqual([]);
    expect(kinds(await signalsOf(input, { headroom_ratio: 0.25 }))).toEqual(['provider/rate_limit_headroom_low/rate_limit_headers']);
  });

  it('turns a 503 saying the engine is overloaded into overloaded, and a 502 into outage', async () => {
    expect(kinds(await signalsOf(f.openAiOverloaded503))).toEqual(['provider/overloaded/message_pattern']);
    expect(kinds(await signalsOf(f.openAiOutage502))).toEqual(['provider/outage/status_code']);
  });

  it('turns APIConnectionError into connection_error although LiteLLM gives it status 500', async () => {
    expect(kinds(await signalsOf(f.connectionError))).toEqual(['provider/connection_error/error_class']);
  });

  it('turns APIResponseValidationError into malformed_response although LiteLLM gives it status 500', async () => {
    expect(kinds(await signalsOf(f.malformedResponse))).toEqual(['provider/malformed_response/error_class']);
  });

  it('turns a 504 into a timeout', async () => {
    expect(kinds(await signalsOf(f.openAiGatewayTimeout504))).toEqual(['provider/timeout/status_code']);
  });

  it('turns the provider’s own 401 into auth_error', async () => {
    const [s] = await signalsOf(f.providerBadKey);
    expect(s).toMatchObject({
      category: 'provider',
      subtype: 'auth_error',
      detection_method: 'status_code',
      fields: { http_status: 401, error_class: 'AuthenticationError' },
    });
  });
});

describe('Anthropic', () => {
  it('reads a raw 529 as overloaded by its status', async () => {
    expect(kinds(await signalsOf(f.anthropic529))).toEqual(['provider/overloaded/status_code']);
  });

  it('reads a 429 as rate_limited, but enforced_spend_limit_reached as quota_exhausted', async () => {
    expect(kinds(await signalsOf(f.anthropicRateLimited))).toEqual(['provider/rate_limited/status_code']);
    const [s] = await signalsOf(f.anthropicSpendLimit);
    expect(s).toMatchObject({ subtype: 'quota_exhausted', detection_method: 'message_pattern', evidence: { rule: 'pattern:spend_limit' } });
  });

  it('reads a credit balance too low as quota_exhausted, not bad_request', async () => {
    expect(kinds(await signalsOf(f.anthropicCreditBalance))).toEqual(['provider/quota_exhausted/message_pattern']);
  });

  it('reads "prompt is too long" as context_overflow and its own 401 as auth_error', async () => {
    expect(kinds(await signalsOf(f.anthropicPromptTooLong))).toEqual(['provider/context_overflow/message_pattern']);
    expect(kinds(await signalsOf(f.anthropicUnauthorized))).toEqual(['provider/auth_error/status_code']);
  });

  it('flags headroom from anthropic-ratelimit-* headers, with thinking tokens in the evidence', async () => {
    const [s] = await signalsOf(reasoningWithProviderHeaders);
    expect(s).toMatchObject({
      subtype: 'rate_limit_headroom_low',
      evidence: {
        rule: 'headers:anthropic-ratelimit',
        scarcest: 'requests',
        requests_remaining: 12,
        requests_limit: 4000,
        reasoning_tokens: 256,
        output_tokens: 420,
      },
      fields: { retry_after_sec: 7 },
    });
  });

  it('judges the input- and output-token limits Anthropic reports beside requests and tokens', async () => {
    const input = withHeaders('anthropic', {
      'llm_provider-anthropic-ratelimit-requests-limit': '1000',
      'llm_provider-anthropic-ratelimit-requests-remaining': '999',
      'llm_provider-anthropic-ratelimit-output-tokens-limit': '80000',
      'llm_provider-anthropic-ratelimit-output-tokens-remaining': '4000',
    });
    const [s] = await signalsOf(input);
    expect(s.evidence).toMatchObject({ scarcest: 'output_tokens', output_tokens_ratio: 0.05 });
  });

  it('records thinking tokens nowhere when nothing else matched', async () => {
    const input = withHeaders(
      'anthropic',
      { 'llm_provider-anthropic-ratelimit-requests-limit': '1000', 'llm_provider-anthropic-ratelimit-requests-remaining': '999' },
      { 'gen_ai.usage.reasoning.output_tokens': 900, 'gen_ai.usage.output_tokens': 1000 },
    );
    expect(await signalsOf(input)).toEqual([]);
  });
});

describe('Gemini and Vertex AI', () => {
  it('reads RESOURCE_EXHAUSTED with a 429 as rate_limited', async () => {
    const [s] = await signalsOf(f.vertexResourceExhausted);
    expect(s).toMatchObject({ subtype: 'rate_limited', detection_method: 'status_code', evidence: { rule: 'status:429' } });
  });

  it('reads a per-day quota with limit 0 as quota_exhausted, with the retryDelay as retry_after_sec', async () => {
    const [s] = await signalsOf(f.geminiDailyQuota);
    expect(s).toMatchObject({
      subtype: 'quota_exhausted',
      detection_method: 'message_pattern',
      evidence: { rule: 'pattern:daily_quota' },
      fields: { retry_after_sec: 38 },
    });
  });

  // LiteLLM maps it to RateLimitError, but the service, not the caller's allowance, ran out.
  it('reads "temporarily out of capacity" as overloaded, whatever the class and status', async () => {
    expect(kinds(await signalsOf(f.geminiOutOfCapacity))).toEqual(['provider/overloaded/message_pattern']);
  });

  it('reads "The response was blocked." as a quality safety_block', async () => {
    const [s] = await signalsOf(f.geminiResponseBlocked);
    expect(s).toMatchObject({
      category: 'quality',
      subtype: 'safety_block',
      detection_method: 'message_pattern',
      fields: { confidence: 0.95 },
    });
  });

  it('reads "Request payload size exceeds" as context_overflow', async () => {
    expect(kinds(await signalsOf(f.geminiPayloadTooLarge))).toEqual(['provider/context_overflow/message_pattern']);
  });

  it('reads a raw Gemini finish reason such as PROHIBITED_CONTENT as a safety block', async () => {
    const input: SpanInput = {
      ...e1Success.input,
      attributes: {
        'gen_ai.system': 'gemini',
        'gen_ai.request.model': 'gemini-2.0-flash',
        'gen_ai.response.finish_reasons': ['PROHIBITED_CONTENT'],
        'gen_ai.usage.output_tokens': 0,
      },
    };
    const [s] = await signalsOf(input);
    expect(s).toMatchObject({ subtype: 'safety_block', evidence: { finish_reasons_raw: ['PROHIBITED_CONTENT'] } });
  });
});

describe('family toggles', () => {
  // Failures are read by the shared provider rules for every provider; a family adds its headroom.
  it('reads an empty account as quota_exhausted whether the OpenAI family is on or off', async () => {
    expect(kinds(await signalsOf(f.openAiQuota, { families: { openai: false } }))).toEqual(['provider/quota_exhausted/message_pattern']);
    expect(kinds(await signalsOf(f.openAiQuota))).toEqual(['provider/quota_exhausted/message_pattern']);
  });

  it('judges x-ratelimit headroom only for providers of the OpenAI family', async () => {
    const input = withHeaders('my_vllm', { x_ratelimit_limit_requests: 100, x_ratelimit_remaining_requests: 2 });
    expect(await signalsOf(input)).toEqual([]);
    expect(kinds(await signalsOf(input, { openai_compatible_providers: ['my_vllm'] }))).toEqual([
      'provider/rate_limit_headroom_low/rate_limit_headers',
    ]);
    expect(
      await signalsOf(withHeaders('openai', { x_ratelimit_limit_requests: 100, x_ratelimit_remaining_requests: 2 }), {
        families: { openai: false },
      }),
    ).toEqual([]);
  });
});
