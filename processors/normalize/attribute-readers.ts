// Typed reads of OTLP attribute values. Emitters disagree on types (LiteLLM stringifies
// booleans as "True"/"False", protobuf JSON renders int64 as strings, int64 may arrive as
// bigint), so every reader accepts the plausible spellings and returns null otherwise.
import type { AttributeValue, Attributes } from '../../agent/core/model/otlp.ts';

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

/** A structured value, or a JSON string of one; null when the string is not JSON. */
export function readStructured(value: AttributeValue | undefined): AttributeValue | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return value;
  const first = value.charCodeAt(0);
  // Only strings that look like JSON containers are worth a JSON.parse attempt.
  if (first !== 0x5b /* [ */ && first !== 0x7b /* { */) return null;
  try {
    return JSON.parse(value) as AttributeValue;
  } catch {
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

export function truncate(text: string | null, maxChars: number): string | null {
  return text !== null && text.length > maxChars ? text.slice(0, maxChars) : text;
}
