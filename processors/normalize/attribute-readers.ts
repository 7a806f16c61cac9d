// Typed reads of OTLP attribute values. Emitters disagree on types (LiteLLM stringifies
// booleans as "True"/"False", protobuf JSON renders int64 as strings, int64 may arrive as
// bigint), so every reader accepts the plausible spellings and returns null otherwise.
import type { AttributeValue, Attributes } from '../../agent/core/model/otlp.ts';
import { detachedPrefix, storableJsonValue } from '../../agent/core/model/storable-text.ts';

/** A non-empty string; LiteLLM writes Python None as "", so "" counts as absent. */
export function readString(value: AttributeValue | undefined): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return null;
}

export function readNumber(value: AttributeValue | undefined): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A non-negative integer count (tokens, documents). */
export function readCount(value: AttributeValue | undefined): number | null {
  const n = readNumber(value);
  return n === null || n < 0 ? null : Math.trunc(n);
}

export function readBoolean(value: AttributeValue | undefined): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    // LiteLLM's Python spellings first, without making a lower-cased copy on every span.
    if (value === 'False' || value === 'false') return false;
    if (value === 'True' || value === 'true') return true;
    switch (value.toLowerCase()) {
      case 'true':
      case '1':
      case 'yes':
        return true;
      case 'false':
      case '0':
      case 'no':
        return false;
    }
  }
  return null;
}

/**
 * Longest identifier kept (provider, model, team, route, user, key alias, error class, data
 * source…). Identifiers key detector state and incidents, become metric labels and indexed
 * columns: a 1 MB "model" must not pin a megabyte per window nor exceed PostgreSQL's index row limit.
 */
export const MAX_IDENTIFIER_CHARS = 256;
/** Longest error message kept: enough for any provider's error body, bounded for the pattern scans. */
export const MAX_MESSAGE_CHARS = 8_192;
/** Most tags (or finish reasons) kept from one list. */
export const MAX_LIST_ITEMS = 64;

/** An identifier: a non-empty string, cut to MAX_IDENTIFIER_CHARS. */
export function readIdentifier(value: AttributeValue | undefined): string | null {
  return truncate(readString(value), MAX_IDENTIFIER_CHARS);
}

/** The first of `keys` present as an identifier. */
export function firstIdentifier(attrs: Attributes, keys: readonly string[]): string | null {
  return truncate(firstString(attrs, keys), MAX_IDENTIFIER_CHARS);
}

/** An error message: a non-empty string, cut to MAX_MESSAGE_CHARS. */
export function readMessage(value: AttributeValue | undefined): string | null {
  return truncate(readString(value), MAX_MESSAGE_CHARS);
}

/** A list of identifiers (readStringArray's spellings), at most MAX_LIST_ITEMS of them. */
export function readIdentifierList(value: AttributeValue | undefined): string[] | null {
  const list = readStringArray(value);
  if (list === null) return null;
  const out = list.length > MAX_LIST_ITEMS ? list.slice(0, MAX_LIST_ITEMS) : list;
  for (let i = 0; i < out.length; i++) if (out[i].length > MAX_IDENTIFIER_CHARS) out[i] = truncate(out[i], MAX_IDENTIFIER_CHARS)!;
  return out;
}

/**
 * A structured value, or a JSON string of one; null when the string is not JSON. Its strings are
 * text PostgreSQL can store: a \u0000 or lone \ud800 escape inside the JSON becomes U+FFFD.
 */
export function readStructured(value: AttributeValue | undefined): AttributeValue | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return value;
  const first = value.charCodeAt(0);
  // Only strings that look like JSON containers are worth a JSON.parse attempt.
  if (first !== 0x5b /* [ */ && first !== 0x7b /* { */) return null;
  try {
    const parsed = JSON.parse(value) as AttributeValue;
    // The text itself is storable (the decoders saw to it); only a \u escape can add what is not.
    return value.includes('\\u') ? storableJsonValue(parsed) : parsed;
  } catch {
    // Not JSON, or nested too deep to walk (RangeError): unreadable either way.
    return null;
  }
}

export function readObject(value: AttributeValue | undefined): Record<string, AttributeValue> | null {
  const v = readStructured(value);
  return isObject(v) ? v : null;
}

/** A string array from an array value, a JSON-string array, or a single string. */
export function readStringArray(value: AttributeValue | undefined): string[] | null {
  if (value === undefined || value === null || value === '') return null;
  const v = typeof value === 'string' && value.charCodeAt(0) === 0x5b ? readStructured(value) : value;
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const item of v) {
      const s = readString(item);
      if (s !== null) out.push(s);
    }
    return out;
  }
  const s = readString(v ?? undefined);
  return s === null ? null : [s];
}

export function isObject(value: AttributeValue | undefined | unknown): value is Record<string, AttributeValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The first of `keys` present as a non-empty string. */
export function firstString(attrs: Attributes, keys: readonly string[]): string | null {
  for (const key of keys) {
    const s = readString(attrs[key]);
    if (s !== null) return s;
  }
  return null;
}

export function firstNumber(attrs: Attributes, keys: readonly string[]): number | null {
  for (const key of keys) {
    const n = readNumber(attrs[key]);
    if (n !== null) return n;
  }
  return null;
}

export function firstCount(attrs: Attributes, keys: readonly string[]): number | null {
  for (const key of keys) {
    const n = readCount(attrs[key]);
    if (n !== null) return n;
  }
  return null;
}

/** Text for a content field: strings as-is, structures as JSON. */
export function toText(value: AttributeValue | unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return null;
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  } catch {
    return null;
  }
}

/**
 * The first `maxChars` UTF-16 units. A cut through a surrogate pair ends in U+FFFD instead of the
 * pair's lone first half, which PostgreSQL could not store; the length stays `maxChars` either way.
 */
export function truncate(text: string | null, maxChars: number): string | null {
  if (text === null || text.length <= maxChars) return text;
  const last = text.charCodeAt(maxChars - 1);
  return last >= 0xd800 && last <= 0xdbff ? `${detachedPrefix(text, maxChars - 1)}\ufffd` : detachedPrefix(text, maxChars);
}
