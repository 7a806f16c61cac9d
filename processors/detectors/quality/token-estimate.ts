// Input tokens predicted from the captured prompt, to compare with what the provider reported.
// A BPE-like count without a tokenizer: a letter run is one token per started 6 letters, digits
// one per 3, each other symbol one, each CJK/kana/hangul character one, plus the chat format's
// overhead (4 per message, 3 for the reply primer). Close to cl100k on English prose and high on
// long words, so a reported count well above it means input the capture did not show: injected
// tool or retrieval text, tool definitions, or prompt bloat.
import type { Content } from '../../../agent/model/llm-call.ts';

const TOKEN_RE = /(\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul})|(\p{L}+)|(\p{N}+)|([^\s\p{L}\p{N}])/gu;

export function estimateTokens(text: string): number {
  let n = 0;
  for (const m of text.matchAll(TOKEN_RE)) {
    if (m[1] !== undefined || m[4] !== undefined) n += 1;
    else if (m[2] !== undefined) n += Math.ceil(m[2].length / 6);
    else n += Math.ceil(m[3].length / 3);
  }
  return n;
}

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
  let predicted = 3;
  let hasSystem = false;
  for (const m of content.inputMessages) {
    predicted += 4;
    if (m.role === 'system' || m.role === 'developer') hasSystem = true;
    for (const p of m.parts) {
      if (p.content === null) return null;
      predicted += estimateTokens(p.content);
    }
  }
  if (!hasSystem && content.systemPrompt !== null) predicted += 4 + estimateTokens(content.systemPrompt);
  const excessRatio = (reported - predicted) / predicted;
  if (excessRatio <= ratio) return null;
  return { reported, predicted, excessRatio: Math.round(excessRatio * 100) / 100 };
}
