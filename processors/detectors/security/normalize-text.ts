// One normalisation for every phrase check: NFKC (full-width and ligature look-alikes fold to
// ASCII), lowercase, zero-width and soft-hyphen characters removed, common leetspeak mapped back to
// letters, whitespace runs collapsed to one space. Linear in the length.

const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]/g;
const NON_ASCII = /[^\x00-\x7f]/;
const LEET_CHARS = /[013457@$]/g;
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

/** The text as phrase rules see it; `maxChars` caps the input before normalising. */
export function normalizeText(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const capped = text.length > maxChars ? text.slice(0, maxChars) : text;
  // ASCII is already NFKC: skip the ICU call for the common case.
  const folded = (NON_ASCII.test(capped) ? capped.normalize('NFKC') : capped).toLowerCase();
  // Native regex passes, not a per-character loop: this runs on every user turn and tool result.
  // Zero-width characters go first, so a space around one still collapses with its neighbours.
  return folded
    .replace(ZERO_WIDTH, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(LEET_CHARS, (ch) => LEET[ch]);
}
