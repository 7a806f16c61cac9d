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

const WHITESPACE = 0xff;
// Byte → byte for ASCII text: lower case and leetspeak in one table, whitespace marked 0xff.
const ASCII_FOLD = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
  for (const [from, to] of LEET) table[from.charCodeAt(0)] = to.charCodeAt(0);
  for (const ws of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) table[ws] = WHITESPACE;
  return table;
})();

/** The text as phrase rules see it; `maxChars` caps the input before normalising. */
export function normalizeText(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const capped = text.length > maxChars ? text.slice(0, maxChars) : text;
  // ASCII (most traffic) is already NFKC with no zero-width characters: one pass over a table.
  if (!NON_ASCII.test(capped)) return foldAscii(capped);
  // Zero-width characters go before whitespace folding, so a space around one still collapses.
  // Native passes, not a per-character loop or a callback per match.
  let out = capped.normalize('NFKC').replace(ZERO_WIDTH, '').toLowerCase().replace(WHITESPACE_TO_FOLD, ' ').trim();
  if (LEET_CHARS.test(out)) for (const [from, to] of LEET) out = out.replaceAll(from, to);
  return out;
}

// Eight replaceAll passes over digit-heavy text (every number has leet characters) cost several
// times this loop.
function foldAscii(text: string): string {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  let pendingSpace = false;
  for (let i = 0; i < text.length; i++) {
    const c = ASCII_FOLD[text.charCodeAt(i)];
    if (c === WHITESPACE) {
      pendingSpace = n > 0;
      continue;
    }
    if (pendingSpace) {
      out[n++] = 0x20;
      pendingSpace = false;
    }
    out[n++] = c;
  }
  return out.toString('latin1', 0, n);
}
