import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../../agent/receivers/otlp-wire/decode-error.ts';
import { decodeLogsProtobuf } from '../../../../agent/receivers/otlp-wire/decode-logs-protobuf.ts';
import { decodeTracesProtobuf } from '../../../../agent/receivers/otlp-wire/decode-traces-protobuf.ts';
import { genAiTraceRequest, makeGenAiLogRecords, serializeLogsProtobuf } from '../../../support/otlp-fixtures.ts';
import { bytes, concat, field, varint } from './wire.ts';

function decodeError(decode: () => unknown): OtlpDecodeError {
  try {
    decode();
  } catch (err) {
    if (err instanceof OtlpDecodeError) return err;
    throw new Error(`expected an OtlpDecodeError, got ${String(err)}`);
  }
  throw new Error('expected an OtlpDecodeError, but decoding succeeded');
}

/** One span whose attribute value is `depth` nested kvlists around a string. */
function nestedKvlistRequest(depth: number): Uint8Array {
  let anyValue = field(1, bytes('leaf'));
  for (let i = 0; i < depth; i++) {
    const keyValue = concat(field(1, bytes(`level${i}`)), field(2, anyValue));
    anyValue = field(6, field(1, keyValue));
  }
  const attribute = concat(field(1, bytes('deep')), field(2, anyValue));
  return field(1, field(2, field(2, field(9, attribute))));
}

describe('decoding malformed protobuf', () => {
  it('throws OtlpDecodeError for a request truncated at every byte offset', () => {
    const { protobuf } = genAiTraceRequest(2);
    for (let end = 1; end < protobuf.length; end++) {
      const err = decodeError(() => decodeTracesProtobuf(protobuf.subarray(0, end)));
      expect(err.message).toMatch(/runs past the end|truncated/);
    }
  });

  it('throws OtlpDecodeError for a logs request truncated at every byte offset', () => {
    const request = serializeLogsProtobuf(makeGenAiLogRecords(2));
    for (let end = 1; end < request.length; end++) {
      expect(decodeError(() => decodeLogsProtobuf(request.subarray(0, end))).message).toMatch(/runs past the end|truncated/);
    }
  });

  it('either decodes random bytes or throws OtlpDecodeError, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (garbage) => {
        for (const decode of [decodeTracesProtobuf, decodeLogsProtobuf]) {
          try {
            decode(garbage);
          } catch (err) {
            expect(err).toBeInstanceOf(OtlpDecodeError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('either decodes a request with flipped bytes or throws OtlpDecodeError', () => {
    const { protobuf } = genAiTraceRequest(1);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(protobuf.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (flips) => {
          const mutated = protobuf.slice();
          for (const [at, value] of flips) mutated[at] = value;
          try {
            decodeTracesProtobuf(mutated);
          } catch (err) {
            expect(err).toBeInstanceOf(OtlpDecodeError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([3, 4])('rejects a group (wire type %i) inside a span, naming the span', (wireType) => {
    const request = field(1, field(2, field(2, new Uint8Array([...varint((11 << 3) | wireType), 0]))));
    const err = decodeError(() => decodeTracesProtobuf(request));
    expect(err.path).toBe('resource_spans[0].scope_spans[0].spans[0]');
    expect(err.message).toContain(`field 11 has wire type ${wireType}`);
  });

  it('accepts AnyValue nesting of 32 kvlists', () => {
    const value = decodeTracesProtobuf(nestedKvlistRequest(32)).spans[0].attributes.deep;
    let depth = 0;
    let v = value as Record<string, unknown>;
    while (typeof v === 'object') v = v[`level${31 - depth++}`] as Record<string, unknown>;
    expect(depth).toBe(32);
    expect(v).toBe('leaf');
  });

  it('rejects AnyValue nesting of 33 kvlists, naming where', () => {
    const err = decodeError(() => decodeTracesProtobuf(nestedKvlistRequest(33)));
    expect(err.path).toMatch(
      /^resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]\.attributes\[0\]\.value(\.kvlist_value\.values\[0\]\.value){32}\.kvlist_value$/,
    );
    expect(err.message).toContain('AnyValue nested deeper than 32 arrays/kvlists');
  });

  it('rejects a length prefix past the end, naming the attribute value', () => {
    const attribute = concat(field(1, bytes('k')), new Uint8Array([...varint((2 << 3) | 2), ...varint(900), 1, 2, 3]));
    const request = field(1, field(2, field(2, concat(field(5, bytes('span')), field(9, attribute)))));
    const err = decodeError(() => decodeTracesProtobuf(request));
    expect(err.path).toBe('resource_spans[0].scope_spans[0].spans[0].attributes[0].value');
    expect(err.problem).toMatch(/^length 900 runs past the end of the message \(3 bytes left\)/);
  });

  it('names the scalar field that is truncated', () => {
    const span = concat(field(5, bytes('span')), new Uint8Array([(7 << 3) | 1, 1, 2, 3]));
    const err = decodeError(() => decodeTracesProtobuf(field(1, field(2, field(2, span)))));
    expect(err.message).toMatch(
      /^resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]\.start_time_unix_nano: truncated fixed64: needs 8 bytes, 3 left/,
    );
  });
});
