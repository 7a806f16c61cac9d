import { describe, expect, it } from 'vitest';
import { Signal } from '../../../agent/core/model/signal.ts';
import type { CoreScenarios } from '../../fixtures/spans/scenario.ts';
import * as litellmV1 from '../../fixtures/spans/litellm-v1.ts';
import * as litellmV2 from '../../fixtures/spans/litellm-v2.ts';
import * as openinference from '../../fixtures/spans/openinference.ts';
import * as openllmetry from '../../fixtures/spans/openllmetry.ts';
import * as otelGenai from '../../fixtures/spans/otel-genai.ts';
import * as otelJs from '../../fixtures/spans/otel-js-openai.ts';
import { kinds, signalsOf } from './run-detectors.ts';

const VOCABULARIES: Record<string, CoreScenarios> = {
  'LiteLLM v1': litellmV1.scenarios,
  'LiteLLM v2': litellmV2.scenarios,
  'OTel GenAI ≥1.37': otelGenai.scenarios,
  'OTel JS openai': otelJs.scenarios,
  OpenLLMetry: openllmetry.scenarios,
  OpenInference: openinference.scenarios,
};

// Where a vocabulary's message decides the method, it is named here; 429s and timeouts are
// decided by their status everywhere.
const EXPECTED: Record<keyof CoreScenarios, (vocabulary: string) => string[]> = {
  success: () => [],
  rateLimited: (v) =>
    // The OpenLLMetry fixture's 429 says `insufficient_quota`: an empty account, not throttling.
    v === 'OpenLLMetry' ? ['provider/quota_exhausted/message_pattern'] : ['provider/rate_limited/status_code'],
  // Anthropic 529 arrives as 500 InternalServerError with `overloaded_error` in the message.
  overloaded: () => ['provider/overloaded/message_pattern'],
  safetyBlock: () => ['quality/safety_block/finish_reason'],
  timeout: () => ['provider/timeout/status_code'],
  contextOverflow: (v) =>
    v.startsWith('LiteLLM') ? ['provider/context_overflow/error_class'] : ['provider/context_overflow/message_pattern'],
};

describe.each(Object.entries(VOCABULARIES))('%s spans', (vocabulary, scenarios) => {
  it.each(Object.keys(EXPECTED) as (keyof CoreScenarios)[])('%s gives exactly the expected signals', async (scenario) => {
    const signals = await signalsOf(scenarios[scenario].input);
    expect(kinds(signals)).toEqual(EXPECTED[scenario](vocabulary));
    for (const s of signals) expect(Signal.safeParse(s).success).toBe(true);
  });
});

describe('LiteLLM reference examples E1–E6', () => {
  it('E1, a clean 200, gets no signal', async () => {
    expect(await signalsOf(litellmV1.e1Success.input)).toEqual([]);
  });

  it('E2 is rate_limited by its 429, hitting the tokens-per-minute limit, with the retry delay from the message', async () => {
    const [s] = await signalsOf(litellmV1.e2RateLimited.input);
    expect(s).toMatchObject({
      category: 'provider',
      subtype: 'rate_limited',
      detection_method: 'status_code',
      confidence: 1,
      evidence: { rule: 'status:429', http_status: 429, error_class: 'RateLimitError', limit_scope: 'tpm' },
      fields: { http_status: 429, retry_after_sec: 1.508, error_class: 'RateLimitError' },
    });
  });

  it('E3, an Anthropic 529 reported as 500 InternalServerError, is overloaded, not an outage', async () => {
    const [s] = await signalsOf(litellmV1.e3Overloaded.input);
    expect(s).toMatchObject({
      subtype: 'overloaded',
      evidence: { rule: 'pattern:overloaded', http_status: 500, provider_reported: 'anthropic' },
      fields: { http_status: 500 },
    });
  });

  it('E4, a Gemini safety block with span status OK, is a quality safety_block', async () => {
    const [s] = await signalsOf(litellmV1.e4SafetyBlock.input);
    expect(s).toMatchObject({
      category: 'quality',
      subtype: 'safety_block',
      confidence: 1,
      evidence: { rule: 'finish:content_filter', outcome: 'ok' },
      fields: { confidence: 1 },
    });
  });

  it('E5 is a timeout by its 408', async () => {
    const [s] = await signalsOf(litellmV1.e5Timeout.input);
    expect(s).toMatchObject({
      subtype: 'timeout',
      evidence: { rule: 'status:408', error_class: 'Timeout' },
      fields: { http_status: 408, error_class: 'Timeout' },
    });
  });

  it('E6 is a context_overflow by LiteLLM’s ContextWindowExceededError class, not a bad_request', async () => {
    const [s] = await signalsOf(litellmV1.e6ContextOverflow.input);
    expect(s).toMatchObject({
      subtype: 'context_overflow',
      confidence: 1,
      evidence: { rule: 'class:ContextWindowExceededError', http_status: 400 },
    });
  });
});
