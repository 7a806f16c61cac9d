import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import { billedTokens } from '../../../processors/detectors/cost/billed-tokens.ts';
import { llmCall } from '../../support/llm-call-builder.ts';

const GEMINI = new Set(['gcp.gemini', 'gcp.vertex_ai']);
const withTokens = (provider: string, tokens: Partial<LlmCall['tokens']>): LlmCall => {
  const call = llmCall({ spanId: '0000000000000001', provider });
  return { ...call, tokens: { ...call.tokens, ...tokens } };
};

describe("billed tokens: reasoning counted once, by the provider's billing rule", () => {
  it('keeps OpenAI reasoning inside the output count it is already part of', () => {
    expect(billedTokens(withTokens('openai', { input: 100, output: 1_000, reasoning: 800, total: 1_100 }), GEMINI)).toEqual({
      input: 100,
      output: 1_000,
      reasoning: 800,
      total: 1_100,
      reasoningRule: 'subset_of_output',
    });
  });

  it('adds Gemini thinking tokens, which the candidates count leaves out', () => {
    expect(billedTokens(withTokens('gcp.vertex_ai', { input: 100, output: 200, reasoning: 800, total: null }), GEMINI)).toMatchObject({
      output: 1_000,
      total: 1_100,
      reasoningRule: 'billed_separately',
    });
  });

  it("lets the span's own total decide when it matches one reading", () => {
    // A gateway that already folded the thinking tokens into Gemini's output: total = input + output.
    expect(billedTokens(withTokens('gcp.vertex_ai', { input: 100, output: 1_000, reasoning: 800, total: 1_100 }), GEMINI)).toMatchObject({
      output: 1_000,
      reasoningRule: 'subset_of_output',
    });
    // An OpenAI-compatible provider reporting them apart: total = input + output + reasoning.
    expect(billedTokens(withTokens('deepseek', { input: 100, output: 200, reasoning: 800, total: 1_100 }), GEMINI)).toMatchObject({
      output: 1_000,
      reasoningRule: 'billed_separately',
    });
  });

  it('treats reasoning larger than the output as billed on top', () => {
    expect(billedTokens(withTokens('anthropic', { input: 10, output: 50, reasoning: 400, total: null }), GEMINI)).toMatchObject({
      output: 450,
      reasoningRule: 'billed_separately',
    });
  });

  it('returns null for a call with no token counts, and the plain sum without reasoning', () => {
    expect(billedTokens(withTokens('openai', { input: null, output: null, total: null }), GEMINI)).toBeNull();
    expect(billedTokens(withTokens('openai', { input: 12, output: 9, total: 21, reasoning: 0 }), GEMINI)).toEqual({
      input: 12,
      output: 9,
      reasoning: 0,
      total: 21,
      reasoningRule: 'none',
    });
  });
});
