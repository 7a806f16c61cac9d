// token_count_mismatch: the output tokens the provider reported against the size of the answer the
// span captured (its text, tool-call arguments and any reasoning text shown). Reported far below the
// captured size, the usage report is wrong (the bill is); far above it, the client received less
// than was generated (a stream or capture cut short). Reasoning tokens count in the reported output
// but are rarely shown, so the "far above" side is judged only when the span says how many there were.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import { estimateTokens } from '../../../agent/core/model/token-estimate.ts';

export interface OutputTokenLimits {
  /** Reported and predicted must differ by this factor… */
  readonly ratio: number;
  /** …and by at least this many tokens. */
  readonly minGap: number;
}

export interface OutputTokenFinding {
  readonly rule: 'tokens:output_under_reported' | 'tokens:output_over_reported';
  readonly confidence: number;
  readonly evidence: Record<string, unknown>;
}

export function checkOutputTokens(call: LlmCall, limits: OutputTokenLimits): OutputTokenFinding | null {
  const content = call.content;
  const reported = call.tokens.output;
  if (call.outcome !== 'ok' || content === null || reported === null || content.truncated === true) return null;
  // Only when the span captured the output side: no output messages means "not captured".
  if (content.outputMessages.length === 0) return null;
  let shown = 0;
  let shownReasoning = 0;
  let toolCalls = false;
  for (const m of content.outputMessages)
    for (const p of m.parts) {
      if (p.type === 'tool_call') toolCalls = true;
      if (p.content === null || p.type === 'refusal') continue;
      if (p.type === 'reasoning' || p.type === 'thinking') shownReasoning += estimateTokens(p.content);
      else shown += estimateTokens(p.content);
    }
  const reasoning = call.tokens.reasoning;
  // With the reasoning count known, compare the rest with the rest; otherwise everything shown.
  const predicted = reasoning !== null ? shown : shown + shownReasoning;
  if (predicted === 0) return null;
  const visible = reported - (reasoning ?? 0);
  const evidence = { output_tokens_reported: reported, output_tokens_predicted: predicted, reasoning_tokens: reasoning };
  if (visible * limits.ratio < predicted && predicted - visible >= limits.minGap)
    return { rule: 'tokens:output_under_reported', confidence: 0.7, evidence };
  // A tool call's framing (name, ids, JSON wrapper) is billed but not in its captured arguments.
  // Only with a reasoning count above zero: a 0 there is what most non-reasoning spans report,
  // and a short captured answer under a long billed one is also what a capture cut short looks like.
  if (reasoning !== null && reasoning > 0 && !toolCalls && visible > predicted * limits.ratio && visible - predicted >= limits.minGap)
    return { rule: 'tokens:output_over_reported', confidence: 0.6, evidence };
  return null;
}
