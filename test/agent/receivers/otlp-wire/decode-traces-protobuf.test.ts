import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTracesProtobuf } from '../../../../agent/receivers/otlp-wire/decode-traces-protobuf.ts';
import { genAiTraceRequest, serializeTracesProtobuf } from '../../../support/otlp-fixtures.ts';
import { spanBatchArb } from './otlp-arbitraries.ts';
import { bytes, field, lengthDelimited, varint } from './wire.ts';

describe('decodeTracesProtobuf', () => {
  it('decodes whatever the official serializer encodes back to the same spans', () => {
    fc.assert(
      fc.property(spanBatchArb, ({ spans, expected }) => {
        expect(decodeTracesProtobuf(serializeTracesProtobuf(spans)).spans).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('decodes realistic SDK GenAI spans with their ids, times, attributes and exception events', () => {
    const { spans, protobuf } = genAiTraceRequest(20);
    const decoded = decodeTracesProtobuf(protobuf).spans;
    expect(decoded).toHaveLength(20);
    const failed = decoded[9];
    const original = spans[9];
    expect(failed.traceId).toBe(original.spanContext().traceId);
    expect(failed.spanId).toBe(original.spanContext().spanId);
    expect(failed.kind).toBe(3);
    expect(failed.flags).toBe(257);
    expect(failed.status).toEqual({ code: 2, message: '' });
    expect(failed.startTimeUnixNano).toBe(BigInt(original.startTime[0]) * 1_000_000_000n + BigInt(original.startTime[1]));
    expect(failed.attributes['gen_ai.request.model']).toBe(original.attributes['gen_ai.request.model']);
    expect(failed.attributes['gen_ai.request.temperature']).toBe(0.2);
    expect(failed.attributes['metadata.tags']).toEqual(['prod', 'search']);
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    expect(failed.events[0].attributes['exception.type']).toBe('RateLimitError');
    expect(failed.resource.attributes['service.name']).toBe('litellm-proxy');
    expect(failed.scope).toMatchObject({ name: 'litellm', version: '1.74.3' });
  });

  it('shares one resource and one scope object among the spans of a group', () => {
    const decoded = decodeTracesProtobuf(genAiTraceRequest(3).protobuf).spans;
    expect(decoded[1].resource).toBe(decoded[0].resource);
    expect(decoded[2].scope).toBe(decoded[0].scope);
  });

  it('decodes a request that sits at an offset inside a larger (pooled) Buffer', () => {
    const { protobuf } = genAiTraceRequest(3);
    const pooled = Buffer.alloc(protobuf.length + 11, 0xff);
    pooled.set(protobuf, 7);
    expect(decodeTracesProtobuf(pooled.subarray(7, 7 + protobuf.length))).toEqual(decodeTracesProtobuf(protobuf));
  });

  it('returns no spans for an empty request', () => {
    expect(decodeTracesProtobuf(new Uint8Array(0))).toEqual({ spans: [] });
  });

  it('keeps the last value of a repeated attribute key', () => {
    const kv = (key: string, value: string) =>
      field(9, lengthDelimited(field(1, bytes(key)), field(2, lengthDelimited(field(1, bytes(value))))));
    const request = wrapSpan(field(5, bytes('s')), kv('k', 'first'), kv('k', 'second'));
    expect(decodeTracesProtobuf(request).spans[0].attributes).toEqual({ k: 'second' });
  });

  it('keeps a leading byte-order mark in names, keys and values instead of stripping it', () => {
    const bom = '\uFEFF';
    const kv = (key: string, value: string) =>
      field(9, lengthDelimited(field(1, bytes(key)), field(2, lengthDelimited(field(1, bytes(value))))));
    const long = `${bom}${'x'.repeat(100)}`;
    const span = decodeTracesProtobuf(wrapSpan(field(5, bytes(`${bom}name`)), kv(`${bom}k`, bom), kv('long', long))).spans[0];
    expect(span.name).toBe(`${bom}name`);
    expect(span.attributes).toEqual({ [`${bom}k`]: bom, long });
  });

  it('stores a __proto__ attribute key as an own property, not as the prototype', () => {
    const kvlist = lengthDelimited(
      field(1, lengthDelimited(field(1, bytes('polluted')), field(2, lengthDelimited(field(1, bytes('yes')))))),
    );
    const request = wrapSpan(field(9, lengthDelimited(field(1, bytes('__proto__')), field(2, lengthDelimited(field(6, kvlist))))));
    const attributes = decodeTracesProtobuf(request).spans[0].attributes;
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value).toEqual({ polluted: 'yes' });
  });

  it('decodes ids as lowercase hex and keeps ids of a wrong length for the receiver to reject', () => {
    const request = wrapSpan(field(1, new Uint8Array([0xab, 0xcd, 0xef])), field(2, new Uint8Array(0)));
    const span = decodeTracesProtobuf(request).spans[0];
    expect(span.traceId).toBe('abcdef');
    expect(span.spanId).toBe('');
    expect(span.parentSpanId).toBe('');
  });

  it('skips unknown fields of every skippable wire type', () => {
    const unknown = [
      ...varint((99 << 3) | 0),
      ...varint(2 ** 40),
      ...varint((98 << 3) | 1),
      ...new Uint8Array(8),
      ...varint((97 << 3) | 5),
      ...new Uint8Array(4),
      ...field(96, bytes('ignored')),
    ];
    const request = wrapSpan(new Uint8Array(unknown), field(5, bytes('kept')));
    expect(decodeTracesProtobuf(request).spans[0].name).toBe('kept');
  });

  it('decodes negative and 64-bit int_value exactly and NaN doubles', () => {
    const anyInt = (n: bigint) => lengthDelimited(new Uint8Array([...varint((3 << 3) | 0), ...varint(n)]));
    const kv = (key: string, value: Uint8Array) => field(9, lengthDelimited(field(1, bytes(key)), field(2, value)));
    const nan = new Uint8Array(9);
    nan[0] = (4 << 3) | 1;
    new DataView(nan.buffer).setFloat64(1, NaN, true);
    const request = wrapSpan(
      kv('neg', anyInt(-5n)),
      kv('min', anyInt(-(2n ** 63n))),
      kv('big', anyInt(2n ** 60n + 1n)),
      kv('safe', anyInt(2n ** 53n - 1n)),
      kv('nan', lengthDelimited(nan)),
    );
    expect(decodeTracesProtobuf(request).spans[0].attributes).toEqual({
      neg: -5,
      min: -(2n ** 63n),
      big: 2n ** 60n + 1n,
      safe: 2 ** 53 - 1,
      nan: NaN,
    });
  });
});

/** An ExportTraceServiceRequest holding one span made of the given fields. */
function wrapSpan(...spanFields: Uint8Array[]): Uint8Array {
  return field(1, lengthDelimited(field(2, lengthDelimited(field(2, lengthDelimited(...spanFields))))));
}
