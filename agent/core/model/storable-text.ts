// Text PostgreSQL can store. A text column refuses NUL (22021) and jsonb refuses \u0000 and a lone
// surrogate escape (22P05, 22P02), so one such character in a provider's error body would send a
// failure event to dead_letters. Text is made storable where it enters the model: the OTLP
// decoders (every wire string) and normalize's readers of embedded JSON and Python literals (the
// only other way such a character can arise, through \u0000, \x00 or \ud800 escapes). Each
// character is replaced by U+FFFD, so the rest of the text and the fact that something was there
// survive. The check is two native scans; a copy is made only when a bad character is present.

export const REPLACEMENT = '\ufffd';

/** True when `s` holds no NUL and no lone surrogate. */
export function isStorableText(s: string): boolean {
  return s.indexOf('\u0000') === -1 && s.isWellFormed();
}

/** `s` with every NUL and lone surrogate replaced by U+FFFD; `s` itself when it holds none. */
export function storableText(s: string): string {
  if (isStorableText(s)) return s;
  return s.toWellFormed().replaceAll('\u0000', REPLACEMENT);
}

/** `s` with NULs replaced: for text decoded from UTF-8, which cannot hold a lone surrogate. */
export function storableUtf8Text(s: string): string {
  return s.indexOf('\u0000') === -1 ? s : s.replaceAll('\u0000', REPLACEMENT);
}

/** The first `maxChars` UTF-16 units, one fewer when the cut would leave half a surrogate pair. */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const last = text.charCodeAt(maxChars - 1);
  return detachedPrefix(text, last >= 0xd800 && last <= 0xdbff ? maxChars - 1 : maxChars);
}

/**
 * The first `chars` UTF-16 units of `text` as a string of their own. V8 makes a slice of a long
 * string a view that keeps the whole original alive: the first 256 characters of a 1 MB attribute,
 * kept as a detector's key, would hold the megabyte for as long as the key lives.
 */
export function detachedPrefix(text: string, chars: number): string {
  return Buffer.from(text.slice(0, chars), 'utf16le').toString('utf16le');
}

/** A code point read from an escape (\x00, \u0000, \ud800 …) as text PostgreSQL can store. */
export function storableCodePoint(codePoint: number): string {
  if (codePoint === 0 || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return REPLACEMENT;
  return String.fromCodePoint(codePoint);
}

/**
 * A parsed JSON value with every string and object key made storable. Values are rebuilt only
 * along paths that change; a clean value comes back as the same object.
 */
export function storableJsonValue<T>(value: T): T {
  return storableDeep(value) as T;
}

function storableDeep(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const s = storableDeep(v);
      if (s !== v) (out ??= value.slice())[i] = s;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const s = storableDeep(v);
    const k = storableText(key);
    if (s === v && k === key) continue;
    out ??= { ...(value as Record<string, unknown>) };
    if (k !== key) delete out[key];
    // A key from the wire may be `__proto__`: keep it an own property, never the prototype.
    Object.defineProperty(out, k, { value: s, enumerable: true, writable: true, configurable: true });
  }
  return out ?? value;
}
