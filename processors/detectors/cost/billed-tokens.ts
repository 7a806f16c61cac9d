// Tokens as the provider bills them. Reasoning (thinking) tokens are a subset of the output count
// for OpenAI and Anthropic, so adding them would double count; Gemini's native usage reports
// thoughts apart from the candidates, so there they are billed on top. The span's own total
// decides when it is consistent with one reading; the provider list decides otherwise.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';

export interface BilledTokens {
  readonly input: number;
  /** Output as billed: includes reasoning exactly once. */
  readonly output: number;
  readonly reasoning: number;
  readonly total: number;
  /** How reasoning was treated: subset of output, added to it, or there was none. */
  readonly reasoningRule: 'none' | 'subset_of_output' | 'billed_separately';
}

export function billedTokens(call: LlmCall, separateProviders: ReadonlySet<string>): BilledTokens | null {
  const t = call.tokens;
  if (t.input === null && t.output === null && t.total === null) return null;
  const input = t.input ?? 0;
  const output = t.output ?? 0;
  const reasoning = t.reasoning ?? 0;
  if (reasoning === 0)
    return {
      input,
      output,
      reasoning,
      total: t.input === null || t.output === null ? (t.total ?? input + output) : input + output,
      reasoningRule: 'none',
    };
  let separate = separateProviders.has(call.provider);
  if (t.total !== null && t.input !== null && t.output !== null) {
    if (t.total === input + output + reasoning) separate = true;
    else if (t.total === input + output) separate = false;
  }
  // Reasoning larger than the output count cannot be a subset of it.
  if (!separate && t.output !== null && reasoning > output) separate = true;
  const billedOutput = separate ? output + reasoning : output;
  return {
    input,
    output: billedOutput,
    reasoning,
    total: input + billedOutput,
    reasoningRule: separate ? 'billed_separately' : 'subset_of_output',
  };
}
