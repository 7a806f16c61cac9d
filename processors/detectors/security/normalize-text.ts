// One normalisation for every phrase check: NFKC (full-width and ligature look-alikes fold to
// ASCII), lowercase, zero-width and soft-hyphen characters removed, common leetspeak mapped back to
// letters, whitespace runs collapsed to one space. A single pass after NFKC: linear in the length.

const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x00ad, 0x180e]);
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** The text as phrase rules see it; `maxChars` caps the input before normalising. */
export function normalizeText(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const folded = (text.length > maxChars ? text.slice(0, maxChars) : text).normalize('NFKC').toLowerCase();
  let out = '';
  let space = false;
  for (const ch of folded) {
    const code = ch.codePointAt(0) ?? 0;
    if (ZERO_WIDTH.has(code)) continue;
    if (/\s/.test(ch)) {
      space = out.length > 0;
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += LEET[ch] ?? ch;
  }
  return out;
}
