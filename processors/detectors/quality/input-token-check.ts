// Reported input tokens against the count predicted from the captured prompt: a reported count
// well above it means input the capture did not show (injected tool or retrieval text, tool
// definitions, prompt bloat).
import type { Content } from '../../../agent/core/model/llm-call.ts';
import { estimateTokens, MESSAGE_TOKENS, REPLY_PRIMER_TOKENS } from '../../../agent/core/model/token-estimate.ts';

export interface TokenCheck {
  readonly reported: number;
  readonly predicted: number;
  readonly excessRatio: number;
}

/**
 * Reported against predicted input tokens when the prompt was captured whole (nothing truncated,
 * no binary parts); null when it cannot be judged or the excess is within `ratio`.
 */
export function checkInputTokens(content: Content | null, reported: number | null, ratio: number): TokenCheck | null {
  if (content === null || reported === null || content.truncated === true || content.inputMessages.length === 0) return null;
  let predicted = REPLY_PRIMER_TOKENS;
  let hasSystem = false;
  for (const m of content.inputMessages) {
    predicted += MESSAGE_TOKENS;
    if (m.role === 'system' || m.role === 'developer') hasSystem = true;
    for (const p of m.parts) {
      if (p.content === null) return null;
      predicted += estimateTokens(p.content);
    }
  }
  if (!hasSystem && content.systemPrompt !== null) predicted += MESSAGE_TOKENS + estimateTokens(content.systemPrompt);
  const excessRatio = (reported - predicted) / predicted;
  if (excessRatio <= ratio) return null;
  return { reported, predicted, excessRatio: Math.round(excessRatio * 100) / 100 };
}
