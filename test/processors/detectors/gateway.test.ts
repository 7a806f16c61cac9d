import { describe, expect, it } from 'vitest';
import type { GuardrailCall } from '../../../agent/core/model/llm-call.ts';
import { guardrailIntervened, proxyServerRateLimited, v2025ProxySpanWithLlmAttributes } from '../../fixtures/spans/litellm-v1.ts';
import { guardrailSpan as v2Guardrail } from '../../fixtures/spans/litellm-v2.ts';
import { guardrailSpan as passingGuardrail } from '../../fixtures/spans/openinference.ts';
import * as f from '../../fixtures/spans/litellm-failures.ts';
import type { SpanInput } from '../../support/span-builder.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { createDetectors, kinds, signalsOf } from './run-detectors.ts';
import { normalizeOne } from '../normalize/run-normalize.ts';

describe('LiteLLM gateway rules', () => {
  it('reads "No healthy deployment available" as no_healthy_deployment although it is a 429 RateLimitError', async () => {
    const [s] = await signalsOf(f.noHealthyDeployment);
    expect(s).toMatchObject({
      category: 'provider',
      subtype: 'no_healthy_deployment',
      detection_method: 'message_pattern',
      evidence: { rule: 'pattern:no_healthy_deployment', retries: 3, max_retries: 3 },
    });
  });

  it('reports "No deployments available" on the proxy span, where no attempt was made', async () => {
    expect(kinds(await signalsOf(f.proxyNoDeployments))).toEqual(['provider/no_healthy_deployment/message_pattern']);
  });

  it('reads BudgetExceededError as cost budget_exceeded with cost, budget and overage from the message', async () => {
    const [s] = await signalsOf(f.budgetExceeded);
    expect(s).toMatchObject({
      category: 'cost',
      subtype: 'budget_exceeded',
      detection_method: 'error_class',
      confidence: 1,
      fields: { cost_usd: 10.75, budget_usd: 10, overage_usd: 0.75 },
    });
  });

  it('reads a budget refusal on an attempt as budget_exceeded, not rate_limited', async () => {
    const [s] = await signalsOf(f.budgetExceededOnAttempt);
    expect(s).toMatchObject({ category: 'cost', subtype: 'budget_exceeded' });
    expect(s.fields.overage_usd).toBeCloseTo(0.0025, 10);
  });

  it('reads the proxy’s own 401 for an invalid key as security unauthorized_model_access, blocked', async () => {
    const [s] = await signalsOf(f.proxyInvalidKey);
    expect(s).toMatchObject({
      category: 'security',
      subtype: 'unauthorized_model_access',
      detection_method: 'message_pattern',
      fields: { threat_type: 'unauthorized_model_access', blocked: true, matched_pattern: 'pattern:proxy_auth' },
    });
  });

  it('reads key_model_access_denied as unauthorized_model_access by its code', async () => {
    const [s] = await signalsOf(f.proxyModelDenied);
    expect(s).toMatchObject({ category: 'security', subtype: 'unauthorized_model_access', detection_method: 'error_code', confidence: 1 });
  });

  it('leaves a provider’s 401 on an attempt as provider auth_error', async () => {
    expect(kinds(await signalsOf(f.providerBadKey))).toEqual(['provider/auth_error/status_code']);
  });

  it('gives the proxy span nothing for a provider’s 401 passed through, since the attempt carries it', async () => {
    expect(await signalsOf(f.providerBadKeyOnGateway)).toEqual([]);
  });

  it('gives the proxy span nothing for a provider 429 its attempts already report', async () => {
    expect(await signalsOf(proxyServerRateLimited)).toEqual([]);
  });

  it('reads ContentPolicyViolationError as a quality safety_block', async () => {
    const [s] = await signalsOf(f.contentPolicy);
    expect(s).toMatchObject({ category: 'quality', subtype: 'safety_block', detection_method: 'error_class', fields: { confidence: 1 } });
  });

  it('reads other 400s and 404s as bad_request', async () => {
    expect(kinds(await signalsOf(f.badRequest))).toEqual(['provider/bad_request/status_code']);
    expect(kinds(await signalsOf(f.notFound))).toEqual(['provider/bad_request/status_code']);
  });

  it('adds "LiteLLM Retried: N times" to the evidence of the call’s signal', async () => {
    const [s] = await signalsOf(v2025ProxySpanWithLlmAttributes);
    expect(s).toMatchObject({ subtype: 'rate_limited', evidence: { retries: 2, max_retries: 2 } });
  });

  it('runs none of these when the gateway family is turned off', async () => {
    expect(kinds(await signalsOf(f.noHealthyDeployment, { families: { gateway: false } }))).toEqual(['provider/rate_limited/status_code']);
  });
});

describe('guardrails', () => {
  const guardrail = async (overrides: Partial<GuardrailCall>) => {
    const base = (await normalizeOne(guardrailIntervened)) as GuardrailCall;
    const processor = await createDetectors();
    const out = await processor.process(createBatch({ calls: [{ ...base, ...overrides }] }));
    return out.calls[0].signals;
  };

  it('reads a PII guardrail that masked entities as security pii_leakage, blocked', async () => {
    const [s, ...rest] = await signalsOf(guardrailIntervened);
    expect(rest).toEqual([]);
    expect(s).toMatchObject({
      category: 'security',
      subtype: 'pii_leakage',
      detection_method: 'guardrail',
      confidence: 1,
      evidence: { guardrail: 'presidio-pii', violation_categories: ['PII'], masked_entity_count: 3 },
      fields: { threat_type: 'pii_leakage', blocked: true, matched_pattern: 'category:PII' },
    });
  });

  it('reads a v2 prompt-injection guardrail as prompt_injection', async () => {
    expect(kinds(await signalsOf(v2Guardrail))).toEqual(['security/prompt_injection/guardrail']);
  });

  it('gives one signal per distinct subtype the categories name', async () => {
    const signals = await guardrail({ violationCategories: ['jailbreak', 'api_key_detected'], maskedEntityCount: 0 });
    expect(kinds(signals)).toEqual(['security/jailbreak/guardrail', 'security/secret_leakage/guardrail']);
  });

  it('counts masked entities as PII even without a PII category', async () => {
    expect(kinds(await guardrail({ violationCategories: [], maskedEntityCount: 2 }))).toEqual(['security/pii_leakage/guardrail']);
  });

  it('reads a content-moderation category as a quality safety_block, not an attack', async () => {
    expect(kinds(await guardrail({ violationCategories: ['hate_speech'], maskedEntityCount: 0 }))).toEqual([
      'quality/safety_block/guardrail',
    ]);
  });

  it('falls back to the guardrail name, then to prompt_injection at confidence 0.5 marked unmapped', async () => {
    const byName = await guardrail({ name: 'lakera-prompt-injection', violationCategories: [], maskedEntityCount: null });
    expect(byName).toMatchObject([{ subtype: 'prompt_injection', confidence: 0.8, evidence: { rule: 'guardrail:guardrail_name' } }]);
    const unknown = await guardrail({ name: 'custom-guard', violationCategories: [], maskedEntityCount: null });
    expect(unknown).toMatchObject([{ subtype: 'prompt_injection', confidence: 0.5, evidence: { unmapped: true } }]);
  });

  it('gives a guardrail that passed, or failed to respond, no signal', async () => {
    expect(await signalsOf(passingGuardrail)).toEqual([]);
    expect(await guardrail({ status: 'guardrail_failed_to_respond', action: null })).toEqual([]);
  });
});

describe('generic fallback for providers no family knows', () => {
  const cases: [string, SpanInput, string][] = [
    ['429 → rate_limited', f.unknownProviderFailure('429 Too Many Requests'), 'provider/rate_limited/status_code'],
    ['Bedrock ThrottlingException 429 → rate_limited', f.bedrockThrottled, 'provider/rate_limited/status_code'],
    ['408 → timeout', f.unknownProviderFailure('408 Request Timeout'), 'provider/timeout/status_code'],
    ['"timed out" without a status → timeout', f.unknownProviderFailure('upstream request timed out'), 'provider/timeout/message_pattern'],
    ['5xx → outage', f.bedrockOutage, 'provider/outage/status_code'],
    ['503 saying overloaded → overloaded', f.unknownProviderFailure('503 The model is overloaded'), 'provider/overloaded/message_pattern'],
    [
      'connection refused → connection_error',
      f.unknownProviderFailure('connect ECONNREFUSED 10.0.0.7:443'),
      'provider/connection_error/message_pattern',
    ],
    ['401 → auth_error', f.unknownProviderFailure('401 Unauthorized'), 'provider/auth_error/status_code'],
    ['403 → auth_error', f.unknownProviderFailure('403 Forbidden'), 'provider/auth_error/status_code'],
    ['422 → bad_request', f.unknownProviderFailure('422 Unprocessable Entity'), 'provider/bad_request/status_code'],
    [
      '400 with a context phrase → context_overflow',
      f.unknownProviderFailure('400 input is too long for this model'),
      'provider/context_overflow/message_pattern',
    ],
    [
      '"rate limit" without a status → rate_limited',
      f.unknownProviderFailure('rate limit exceeded, slow down'),
      'provider/rate_limited/message_pattern',
    ],
  ];

  it.each(cases)('%s', async (_name, input, expected) => {
    expect(kinds(await signalsOf(input))).toEqual([expected]);
  });

  it('does not read "timeout" in a 400 as a timeout', async () => {
    expect(kinds(await signalsOf(f.unknownProviderFailure('400 Unrecognized request argument supplied: timeout')))).toEqual([
      'provider/bad_request/status_code',
    ]);
  });

  it('reports a failure that says nothing about its cause as unknown_error, at low confidence', async () => {
    const signals = await signalsOf(f.unknownProviderFailure('something went wrong'));
    expect(kinds(signals)).toEqual(['provider/unknown_error/span_status']);
    expect(signals[0].confidence).toBe(0.5);
  });
});
