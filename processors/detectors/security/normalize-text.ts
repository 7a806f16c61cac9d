// One normalisation for every phrase check: NFKC (full-width and ligature look-alikes fold to
// ASCII), lowercase, zero-width and soft-hyphen characters removed, common leetspeak mapped back to
// letters, whitespace runs collapsed to one space. Linear in the length.

const ZERO_WIDTH = /[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e]/g;
const NON_ASCII = /[^\x00-\x7f]/;
// Only what changes: runs of two or more, or a single whitespace character that is not a space
// (a pattern matching every single space would rebuild the whole string).
const WHITESPACE_TO_FOLD = /\s{2,}|[^\S ]/g;
const LEET_CHARS = /[013457@$]/;
const LEET: readonly (readonly [string, string])[] = [
  ['0', 'o'],
  ['1', 'i'],
  ['3', 'e'],
  ['4', 'a'],
  ['5', 's'],
  ['7', 't'],
  ['@', 'a'],
  ['$', 's'],
];

/** The text as phrase rules see it; `maxChars` caps the input before normalising. */
export function normalizeText(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const capped = text.length > maxChars ? text.slice(0, maxChars) : text;
  // ASCII is already NFKC and has no zero-width characters: skip both for the common case.
  // Zero-width characters go before whitespace folding, so a space around one still collapses.
  const folded = (NON_ASCII.test(capped) ? capped.normalize('NFKC').replace(ZERO_WIDTH, '') : capped).toLowerCase();
  // Native passes, not a per-character loop or a callback per match: this runs on every user
  // turn and tool result, and numbers make leet characters dense (a callback each was a third of
  // the cost).
  let out = folded.replace(WHITESPACE_TO_FOLD, ' ').trim();
  if (LEET_CHARS.test(out)) for (const [from, to] of LEET) out = out.replaceAll(from, to);
  return out;
}
