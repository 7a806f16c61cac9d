// A minimal proto3 wire-format reader for the OTLP decoders. It keeps the path of the message
// being read (field names and repeated indices) so that every error can say where it happened,
// without allocating anything per field on the happy path.

import { storableUtf8Text } from '../../core/model/storable-text.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { MAX_CACHED_BYTES, ShortStringCache } from './short-string-cache.ts';

/** A message's field names indexed by field number, used only to name fields in errors. */
export type FieldNames = readonly string[];

/** Deepest message nesting accepted; AnyValue recursion is also capped separately by its decoder. */
export const MAX_MESSAGE_DEPTH = 128;

/** Tag = field number << 3 | wire type; the decoders switch on whole tags. */
export const tag = (field: number, wireType: number): number => (field << 3) | wireType;

const TWO_POW_32 = 4294967296;

// ignoreBOM: a string field may start with U+FEFF and must come back with it (TextDecoder strips it by default).
// Every string leaves as text PostgreSQL can store (NUL replaced; UTF-8 cannot hold lone surrogates).
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const decodeUtf8 = (buf: Uint8Array, start: number, end: number): string => storableUtf8Text(utf8.decode(buf.subarray(start, end)));
// Shared by all requests: keys in one cache so that unique short values cannot evict them.
const keyCache = new ShortStringCache();
const valueCache = new ShortStringCache();

export class ProtobufReader {
  /** Read position. */
  pos = 0;
  /** End of the message being read. */
  end: number;
  /** The last tag read: names the field in error messages. */
  tag = 0;

  private readonly buf: Uint8Array;
  private readonly view: DataView;
  // A Buffer over the same bytes, for its native hex encoding (a flat string, ~2x faster than
  // concatenating per byte, and ids are hashed as Map keys downstream).
  private readonly bytes: Buffer;
  private lo = 0;
  private hi = 0;
  private depth = 0;
  private fields: FieldNames;
  // Per nesting level: saved end, path segment and the enclosing message's field names.
  private readonly savedEnds: number[] = [];
  private readonly segmentNames: string[] = [];
  private readonly segmentIndices: number[] = [];
  private readonly savedFields: FieldNames[] = [];

  constructor(buf: Uint8Array, rootFields: FieldNames) {
    // Receivers hand over a Buffer, whose subarray() (every string decode) is Node's slower JS
    // subclass method; a plain Uint8Array over the same bytes keeps V8's own and keeps element
    // reads monomorphic. ~0.4 µs per span on the bench request.
    this.buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    this.end = buf.length;
    this.fields = rootFields;
  }

  /** True while the current message has bytes left. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** Reads a field tag; rejects field 0, groups (wire types 3/4) and wire types 6/7. */
  readTag(): number {
    this.tag = 0;
    const t = this.readUint32();
    const wireType = t & 7;
    if (wireType === 3 || wireType === 4 || wireType > 5) {
      this.fail(`field ${t >>> 3} has wire type ${wireType}, which OTLP never uses${wireType < 5 ? ' (groups are not supported)' : ''}`);
    }
    if (t >>> 3 === 0) this.fail('field number 0 is invalid');
    this.tag = t;
    return t;
  }

  /**
   * Enters the length-delimited message whose tag was just read. `name`/`index` form its path
   * segment (index -1 for a singular field); `fields` names its own fields.
   */
  enter(name: string, index: number, fields: FieldNames): void {
    const d = this.depth;
    this.savedEnds[d] = this.end;
    this.segmentNames[d] = name;
    this.segmentIndices[d] = index;
    this.savedFields[d] = this.fields;
    this.depth = d + 1;
    this.fields = fields;
    if (d + 1 > MAX_MESSAGE_DEPTH) this.fail(`messages nested deeper than ${MAX_MESSAGE_DEPTH} levels`);
    // The path now ends at this message, so errors in its length must not name a field too.
    this.tag = 0;
    const len = this.readLength();
    this.end = this.pos + len;
  }

  /** Leaves the message entered last; the caller has read it to its end. */
  leave(): void {
    const d = --this.depth;
    this.end = this.savedEnds[d];
    this.fields = this.savedFields[d];
  }

  readUint32(): number {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.readVarint64();
    return this.lo;
  }

  /** int32 and enums: negative values arrive as 10-byte varints. */
  readInt32(): number {
    return this.readUint32() | 0;
  }

  readBool(): boolean {
    const pos = this.pos;
    if (pos < this.end && this.buf[pos] < 0x80) {
      this.pos = pos + 1;
      return this.buf[pos] !== 0;
    }
    this.readVarint64();
    return (this.lo | this.hi) !== 0;
  }

  /** int64 as a number when it is a safe integer, else an exact bigint. */
  readInt64(): number | bigint {
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos];
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    this.readVarint64();
    const lo = this.lo;
    const hi = this.hi | 0;
    // Exact whenever the result is safe: hi·2^32 is exact and the sum rounds correctly.
    const n = hi * TWO_POW_32 + lo;
    if (Number.isSafeInteger(n)) return n;
    return BigInt.asIntN(64, (BigInt(this.hi) << 32n) | BigInt(lo));
  }

  readFixed32(): number {
    this.need(4, 'fixed32');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  readFixed64(): bigint {
    this.need(8, 'fixed64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  readDouble(): number {
    this.need(8, 'double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A string value; short ones come from a cache of recent values. */
  readString(): string {
    return this.readCachedString(valueCache);
  }

  /** An attribute key: the same string object every time, so V8 reuses its internalized form. */
  readKey(): string {
    return this.readCachedString(keyCache);
  }

  private readCachedString(cache: typeof valueCache): string {
    const len = this.readLength();
    const start = this.pos;
    this.pos = start + len;
    if (len === 0) return '';
    if (len <= MAX_CACHED_BYTES) return cache.get(this.buf, this.view, start, start + len, decodeUtf8);
    return decodeUtf8(this.buf, start, start + len);
  }

  /** bytes as lowercase hex ('' when empty), for trace and span ids. */
  readHex(): string {
    const len = this.readLength();
    const start = this.pos;
    this.pos = start + len;
    return len === 0 ? '' : this.bytes.toString('hex', start, start + len);
  }

  /** bytes as a copy, so the result does not pin the request buffer. */
  readBytes(): Uint8Array {
    const len = this.readLength();
    const out = new Uint8Array(len);
    out.set(this.buf.subarray(this.pos, this.pos + len));
    this.pos += len;
    return out;
  }

  /** Skips the value of the field whose tag was just read. */
  skip(t: number): void {
    switch (t & 7) {
      case 0:
        this.readVarint64();
        return;
      case 1:
        this.need(8, 'fixed64');
        this.pos += 8;
        return;
      case 2: {
        // Read the length first: `this.pos += this.readLength()` would add it to the old position.
        const len = this.readLength();
        this.pos += len;
        return;
      }
      case 5:
        this.need(4, 'fixed32');
        this.pos += 4;
        return;
      default:
        // readTag already rejected the other wire types.
        this.fail(`field ${t >>> 3} has wire type ${t & 7}, which cannot be skipped`);
    }
  }

  /** Throws an OtlpDecodeError at the current message. */
  fail(problem: string): never {
    throw new OtlpDecodeError(this.path(), `${problem} (at byte ${this.pos})`);
  }

  /** Throws an OtlpDecodeError naming the field whose tag was read last. */
  failField(problem: string): never {
    if (this.tag === 0) this.fail(problem);
    const n = this.tag >>> 3;
    const name = this.fields[n] || `field ${n}`;
    const path = this.path();
    throw new OtlpDecodeError(path ? `${path}.${name}` : name, `${problem} (at byte ${this.pos})`);
  }

  private path(): string {
    let p = '';
    for (let i = 0; i < this.depth; i++) {
      if (i > 0) p += '.';
      p += this.segmentNames[i];
      if (this.segmentIndices[i] >= 0) p += `[${this.segmentIndices[i]}]`;
    }
    return p;
  }

  private readLength(): number {
    this.readVarint64();
    const left = this.end - this.pos;
    if (this.hi !== 0 || this.lo > left) {
      const len = this.hi * TWO_POW_32 + this.lo;
      this.failField(`length ${len} runs past the end of the message (${left} bytes left)`);
    }
    return this.lo;
  }

  private need(n: number, what: string): void {
    const left = this.end - this.pos;
    if (left < n) this.failField(`truncated ${what}: needs ${n} bytes, ${left} left`);
  }

  /** Reads a varint of up to 10 bytes into lo/hi (two's complement 64-bit). */
  private readVarint64(): void {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= end) this.failField('truncated varint');
      b = buf[pos++];
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) return this.setVarint(pos, lo, 0);
    }
    if (pos >= end) this.failField('truncated varint');
    b = buf[pos++];
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) return this.setVarint(pos, lo, hi);
    for (let shift = 3; shift < 32; shift += 7) {
      if (pos >= end) this.failField('truncated varint');
      b = buf[pos++];
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) return this.setVarint(pos, lo, hi);
    }
    this.pos = pos;
    this.failField('varint longer than 10 bytes');
  }

  private setVarint(pos: number, lo: number, hi: number): void {
    this.pos = pos;
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }
}
