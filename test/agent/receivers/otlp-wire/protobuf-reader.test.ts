import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../../agent/receivers/otlp-wire/decode-error.ts';
import { ProtobufReader } from '../../../../agent/receivers/otlp-wire/protobuf-reader.ts';
import { varint } from './wire.ts';

const FIELDS = ['', 'first', 'second'];
const reader = (bytes: number[]) => new ProtobufReader(new Uint8Array(bytes), FIELDS);

describe('ProtobufReader', () => {
  it("reads int64 varints of every length, negatives as 10-byte two's complement", () => {
    for (const n of [0n, 1n, 127n, 128n, 300n, 2n ** 31n, 2n ** 32n + 5n, 2n ** 53n - 1n, -1n, -(2n ** 53n) + 1n]) {
      expect(reader(varint(n)).readInt64()).toBe(Number(n));
    }
    for (const n of [2n ** 53n, 2n ** 63n - 1n, -(2n ** 63n), -(2n ** 53n)]) {
      expect(reader(varint(n)).readInt64()).toBe(n);
    }
    expect(varint(-1n)).toHaveLength(10);
  });

  it('reads int32 enums sent as negative 10-byte varints', () => {
    expect(reader(varint(-2n)).readInt32()).toBe(-2);
  });

  it('reads fixed32, fixed64 (as bigint) and doubles little-endian', () => {
    const bytes = new Uint8Array(20);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, 0x01020304, true);
    view.setBigUint64(4, 18_446_744_073_709_551_615n, true);
    view.setFloat64(12, -1.5, true);
    const r = new ProtobufReader(bytes, FIELDS);
    expect(r.readFixed32()).toBe(0x01020304);
    expect(r.readFixed64()).toBe(18_446_744_073_709_551_615n);
    expect(r.readDouble()).toBe(-1.5);
    expect(r.more()).toBe(false);
  });

  it('decodes UTF-8 strings including astral characters, from the cache or not', () => {
    const text = 'modèle 😀 𝄞';
    const encoded = [...new TextEncoder().encode(text)];
    const long = 'x'.repeat(100) + text;
    const longEncoded = [...new TextEncoder().encode(long)];
    const r = reader([
      ...varint(encoded.length),
      ...encoded,
      ...varint(encoded.length),
      ...encoded,
      ...varint(longEncoded.length),
      ...longEncoded,
    ]);
    expect(r.readString()).toBe(text);
    expect(r.readString()).toBe(text);
    expect(r.readString()).toBe(long);
  });

  it('does not confuse cached strings that hash alike but differ', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `k${i}`);
    const bytes = words.flatMap((w) => [w.length, ...new TextEncoder().encode(w)]);
    const r = reader(bytes);
    expect(words.map(() => r.readKey())).toEqual(words);
  });

  it('rejects a truncated varint, naming the field', () => {
    const r = reader([(1 << 3) | 0, 0x80, 0x80]);
    r.readTag();
    expect(() => r.readInt64()).toThrowError(new OtlpDecodeError('first', 'truncated varint (at byte 1)'));
  });

  it('rejects a varint longer than 10 bytes', () => {
    const r = reader([(2 << 3) | 0, ...new Array(10).fill(0xff), 0x01]);
    r.readTag();
    expect(() => r.readInt64()).toThrowError(/^second: varint longer than 10 bytes/);
  });

  it('rejects a length that runs past the end of the message', () => {
    const r = reader([(1 << 3) | 2, 50, 1, 2, 3]);
    r.readTag();
    expect(() => r.readString()).toThrowError(
      new OtlpDecodeError('first', 'length 50 runs past the end of the message (3 bytes left) (at byte 2)'),
    );
  });

  it('rejects a truncated fixed64', () => {
    const r = reader([(2 << 3) | 1, 1, 2, 3]);
    r.readTag();
    expect(() => r.readFixed64()).toThrowError(/^second: truncated fixed64: needs 8 bytes, 3 left/);
  });

  it.each([3, 4, 6, 7])('rejects wire type %i', (wireType) => {
    const r = reader([(5 << 3) | wireType, 0]);
    expect(() => r.readTag()).toThrowError(new RegExp(`field 5 has wire type ${wireType}`));
  });

  it('rejects field number 0', () => {
    expect(() => reader([0, 0]).readTag()).toThrowError(/field number 0 is invalid/);
  });

  it('builds error paths from the messages it has entered', () => {
    const r = reader([(1 << 3) | 2, 4, (2 << 3) | 2, 9, 0, 0]);
    r.readTag();
    r.enter('outer', 3, ['', 'a', 'inner']);
    r.readTag();
    expect(() => r.enter('inner', -1, FIELDS)).toThrowError(
      new OtlpDecodeError('outer[3].inner', 'length 9 runs past the end of the message (2 bytes left) (at byte 4)'),
    );
  });
});
