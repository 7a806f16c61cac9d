// Tokens predicted from text, for comparing with what a provider reported and for the simulator's
// usage figures. A BPE-like count without a tokenizer: a letter run is one token per started 6 letters, digits
// one per 3, each other symbol one, each CJK/kana/hangul character one, plus the chat format's
// overhead (4 per message, 3 for the reply primer). Close to cl100k on English prose and high on
// long words.

/** One pass over char codes (no regex: this runs on every captured prompt). */
export function estimateTokens(text: string): number {
  let n = 0;
  let run = 0; // length of the current letter (1) or digit (2) run
  let kind = 0;
  const flush = () => {
    if (kind === 1) n += Math.ceil(run / 6);
    else if (kind === 2) n += Math.ceil(run / 3);
    run = 0;
    kind = 0;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = c >= 48 && c <= 57 ? 2 : (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c > 0x7f && !isCjk(c) && !isSpace(c)) ? 1 : 0;
    if (k !== 0) {
      if (k !== kind) flush();
      kind = k;
      run++;
      continue;
    }
    flush();
    if (c > 0x20 && !isSpace(c)) n++; // punctuation, symbols, and each CJK/kana/hangul character
  }
  flush();
  return n;
}

const isCjk = (c: number): boolean =>
  (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff);
const isSpace = (c: number): boolean => c === 0xa0 || c === 0x2028 || c === 0x2029 || c === 0x3000 || (c >= 0x2000 && c <= 0x200b);

/** The chat format's overhead: per message, and once for the reply's primer. */
export const MESSAGE_TOKENS = 4;
export const REPLY_PRIMER_TOKENS = 3;

/** Predicted input tokens of a chat request whose messages have these texts. */
export function estimateChatTokens(messages: readonly string[]): number {
  return messages.reduce((n, m) => n + MESSAGE_TOKENS + estimateTokens(m), REPLY_PRIMER_TOKENS);
}
