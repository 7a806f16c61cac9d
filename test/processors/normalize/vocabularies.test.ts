import { describe, expect, it } from 'vitest';
import { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { CoreScenarios } from '../../fixtures/spans/scenario.ts';
import { scenarios as litellmV1 } from '../../fixtures/spans/litellm-v1.ts';
import { scenarios as litellmV2 } from '../../fixtures/spans/litellm-v2.ts';
import { scenarios as otelGenAi } from '../../fixtures/spans/otel-genai.ts';
import { scenarios as openInference } from '../../fixtures/spans/openinference.ts';
import { scenarios as openLlmetry } from '../../fixtures/spans/openllmetry.ts';
import { scenarios as otelJsOpenAi } from '../../fixtures/spans/otel-js-openai.ts';
import { normalizeLlm, runNormalize } from './run-normalize.ts';

const vocabularies: [string, CoreScenarios, LlmCall['source']['vocabulary']][] = [
  ['LiteLLM default engine', litellmV1, 'litellm'],
  ['LiteLLM v2 engine', litellmV2, 'litellm_v2'],
  ['OTel GenAI ≥1.37', otelGenAi, 'otel_genai'],
  ['OpenInference', openInference, 'openinference'],
  ['OpenLLMetry legacy', openLlmetry, 'openllmetry'],
  ['JS instrumentation-openai', otelJsOpenAi, 'otel_genai'],
];

describe.each(vocabularies)('normalize reads %s spans', (_name, scenarios, vocabulary) => {
  it.each(Object.entries(scenarios))(
    'reads the %s span into a valid LlmCall with the expected facts',
    async (_scenario, { input, expected }) => {
      const call = await normalizeLlm(input);
      expect(() => LlmCall.parse(call)).not.toThrow();
      expect({
        outcome: call.outcome,
        provider: call.provider,
        requestModel: call.requestModel,
        httpStatus: call.error?.httpStatus ?? null,
        errorType: call.error?.type ?? null,
        finishReasons: call.finishReasons,
      }).toEqual(expected);
      expect(call.source.vocabulary).toBe(vocabulary);
    },
  );

  it('keeps the raw provider string beside the normalized one', async () => {
    const call = await normalizeLlm(scenarios.success.input);
    expect(call.providerRaw).not.toBeNull();
    expect(call.providerRaw!.toLowerCase() === call.provider || call.provider.includes('.')).toBe(true);
  });

  it('records a safety block as a successful call with no output tokens', async () => {
    const call = await normalizeLlm(scenarios.safetyBlock.input);
    expect(call.error).toBeNull();
    expect(call.tokens.output).toBe(0);
  });

  it('keeps the overloaded_error text of a 529 reported as 500', async () => {
    const call = await normalizeLlm(scenarios.overloaded.input);
    const texts = [call.error?.message, ...(call.error?.exceptions.map((e) => e.message) ?? [])].join('\n');
    expect(texts).toContain('overloaded_error');
  });

  it('times a call from span start to end in milliseconds', async () => {
    const call = await normalizeLlm(scenarios.timeout.input);
    expect(call.timing.durationMs).toBe(scenarios.timeout.input.durationMs);
    expect(call.timing.startMs).toBe(scenarios.timeout.input.startMs);
  });

  it('produces one item per span in a batch of all scenarios', async () => {
    const out = await runNormalize(Object.values(scenarios).map((s) => s.input));
    expect(out.calls).toHaveLength(6);
    expect(out.spans).toHaveLength(0);
  });
});
