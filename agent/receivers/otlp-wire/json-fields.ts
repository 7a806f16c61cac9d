// Typed field access for OTLP/JSON after JSON.parse: each reader accepts what the OTLP JSON
// mapping allows (proto3 JSON plus hex ids, numbers for 64-bit ints, enum names) and otherwise
// throws an OtlpDecodeError whose path ends at the offending key.

import { storableText } from '../../core/model/storable-text.ts';
import { OtlpDecodeError } from './decode-error.ts';

export type JsonObject = Record<string, unknown>;

const EMPTY: readonly unknown[] = Object.freeze([]);
const DECIMAL_UNSIGNED = /^\d{1,20}$/;
const DECIMAL_SIGNED = /^-?\d{1,20}$/;
const HEX = /^[0-9a-fA-F]*$/;
const MAX_UINT64 = 2n ** 64n - 1n;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** The path of the object being read: pushed and popped as the decoder descends. */
export class JsonCursor {
  private readonly names: string[] = [];
  private readonly indices: number[] = [];
  private depth = 0;

  /**
   * `text` is the request's JSON text. JSON.parse can only make a NUL or a lone surrogate from a
   * \u escape (a raw NUL is a syntax error), or copy a lone surrogate the text already holds; when
   * the text has neither, no string needs checking, which spares a scan per string on the hot path.
   */
  constructor(text: string) {
    this.uncheckedStrings = text.includes('\\u') || !text.isWellFormed();
  }

  /** Whether strings read from this request must be made storable one by one. */
  readonly uncheckedStrings: boolean;

  enter(name: string, index: number): void {
    this.names[this.depth] = name;
    this.indices[this.depth] = index;
    this.depth++;
  }

  leave(): void {
    this.depth--;
  }

  /** Throws at `key` of the current object ('' for the object itself). */
  fail(key: string, problem: string): never {
    let path = '';
    for (let i = 0; i < this.depth; i++) {
      if (i > 0) path += '.';
      path += this.names[i];
      if (this.indices[i] >= 0) path += `[${this.indices[i]}]`;
    }
    if (key) path = path ? `${path}.${key}` : key;
    throw new OtlpDecodeError(path, problem);
  }
}

/** How a wrong value is shown in an error: short, and never the whole payload. */
export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
}

// null counts as absent everywhere: proto3 JSON writes defaults either way.

/** Every string (keys and values alike) leaves as text PostgreSQL can store. */
export function readJsonString(o: JsonObject, key: string, c: JsonCursor): string {
  const v = o[key];
  if (typeof v === 'string') return c.uncheckedStrings ? storableText(v) : v;
  if (v === undefined || v === null) return '';
  return c.fail(key, `expected a string, got ${describeJson(v)}`);
}

export function readJsonArray(o: JsonObject, key: string, c: JsonCursor): readonly unknown[] {
  const v = o[key];
  if (Array.isArray(v)) return v;
  if (v === undefined || v === null) return EMPTY;
  return c.fail(key, `expected an array, got ${describeJson(v)}`);
}

/** An object field, or null when absent. */
export function readJsonObject(o: JsonObject, key: string, c: JsonCursor): JsonObject | null {
  const v = o[key];
  if (isJsonObject(v)) return v;
  if (v === undefined || v === null) return null;
  return c.fail(key, `expected an object, got ${describeJson(v)}`);
}

/** Element `i` of an array that must hold objects. */
export function expectJsonObject(v: unknown, c: JsonCursor): JsonObject {
  if (isJsonObject(v)) return v;
  return c.fail('', `expected an object, got ${describeJson(v)}`);
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** uint32 / fixed32 (counts, flags): an integer, or its decimal string. */
export function readJsonUint32(o: JsonObject, key: string, c: JsonCursor): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && DECIMAL_UNSIGNED.test(v) ? Number(v) : v;
  if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff) return n;
  return c.fail(key, `expected an unsigned 32-bit integer, got ${describeJson(v)}`);
}

/** An enum: its integer, or its proto name (e.g. SPAN_KIND_CLIENT) looked up in `names`. */
export function readJsonEnum(o: JsonObject, key: string, c: JsonCursor, names: Readonly<Record<string, number>>, prefix: string): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff) return v;
  if (typeof v === 'string') {
    if (Object.hasOwn(names, v)) return names[v];
    if (DECIMAL_SIGNED.test(v)) {
      const n = Number(v);
      if (n >= -0x80000000 && n <= 0x7fffffff) return n;
    }
  }
  return c.fail(key, `expected an integer or a ${prefix}* name, got ${describeJson(v)}`);
}

/** fixed64 nanosecond timestamps: a decimal string or a non-negative integer. */
export function readJsonUnixNano(o: JsonObject, key: string, c: JsonCursor): bigint {
  const v = o[key];
  if (typeof v === 'string' && DECIMAL_UNSIGNED.test(v)) {
    const n = BigInt(v);
    if (n <= MAX_UINT64) return n;
  } else if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 18446744073709551615) {
    return BigInt(v);
  } else if (v === undefined || v === null) return 0n;
  return c.fail(key, `expected a decimal string or integer (unsigned 64-bit nanoseconds), got ${describeJson(v)}`);
}

/** int64 (AnyValue.intValue): a number when it is a safe integer, else an exact bigint. */
export function readJsonInt64(o: JsonObject, key: string, c: JsonCursor): number | bigint {
  const v = o[key];
  if (typeof v === 'number' && Number.isInteger(v)) {
    if (Number.isSafeInteger(v)) return v;
    if (v >= -9223372036854775808 && v < 9223372036854775808) return BigInt(v);
    // The JS JSON exporter sends any integral double as intValue (1e20 too); keep it a number.
    return v;
  } else if (typeof v === 'string' && DECIMAL_SIGNED.test(v)) {
    const n = BigInt(v);
    if (n >= MIN_INT64 && n <= MAX_INT64) return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
  }
  return c.fail(key, `expected a decimal string or integer (signed 64-bit), got ${describeJson(v)}`);
}

/** double: a number, or "NaN" / "Infinity" / "-Infinity" / a numeric string as proto3 JSON allows. */
export function readJsonDouble(o: JsonObject, key: string, c: JsonCursor): number {
  const v = o[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v === 'NaN') return NaN;
    const n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isNaN(n)) return n;
  }
  return c.fail(key, `expected a number, got ${describeJson(v)}`);
}

export function readJsonBool(o: JsonObject, key: string, c: JsonCursor): boolean {
  const v = o[key];
  if (typeof v === 'boolean') return v;
  return c.fail(key, `expected true or false, got ${describeJson(v)}`);
}

/** bytes: standard or URL-safe base64, padded or not. */
export function readJsonBase64(o: JsonObject, key: string, c: JsonCursor): Uint8Array {
  const v = o[key];
  if (typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v) && v.replace(/=+$/, '').length % 4 !== 1) {
    return new Uint8Array(Buffer.from(v, 'base64'));
  }
  return c.fail(key, `expected a base64 string, got ${describeJson(v)}`);
}

/** A trace or span id: hex of exactly `bytes` bytes in any case, or empty; returned lowercase. */
export function readJsonHexId(o: JsonObject, key: string, c: JsonCursor, bytes: number): string {
  const v = o[key];
  if (v === undefined || v === null || v === '') return '';
  if (typeof v === 'string' && v.length === bytes * 2 && HEX.test(v)) return v.toLowerCase();
  return c.fail(key, `expected ${bytes * 2} hex characters (${bytes} bytes) or an empty string, got ${describeJson(v)}`);
}
