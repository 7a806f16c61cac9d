import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../../agent/receivers/otlp-wire/decode-error.ts';
import { decodeLogsJson, decodeTracesJson } from '../../../../agent/receivers/otlp-wire/decode-json.ts';
import { decodeTracesProtobuf } from '../../../../agent/receivers/otlp-wire/decode-traces-protobuf.ts';
import { genAiTraceRequest, serializeLogsJson, serializeTracesJson } from '../../../support/otlp-fixtures.ts';
import { logBatchArb, spanBatchArb } from './otlp-arbitraries.ts';

function decodeError(decode: () => unknown): OtlpDecodeError {
  try {
    decode();
  } catch (err) {
    if (err instanceof OtlpDecodeError) return err;
    throw new Error(`expected an OtlpDecodeError, got ${String(err)}`);
  }
  throw new Error('expected an OtlpDecodeError, but decoding succeeded');
}

/** A request with one span made of `span`'s fields (plus valid ids). */
const oneSpan = (span: Record<string, unknown>) =>
  JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), ...span }] }] }] });

describe('decodeTracesJson', () => {
  it('decodes whatever the official JSON serializer encodes back to the same spans', () => {
    fc.assert(
      fc.property(spanBatchArb, ({ spans, expected }) => {
        expect(decodeTracesJson(serializeTracesJson(spans)).spans).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same result as the protobuf decoder for realistic GenAI spans', () => {
    const { protobuf, json } = genAiTraceRequest(30);
    expect(decodeTracesJson(new TextDecoder().decode(json))).toEqual(decodeTracesProtobuf(protobuf));
  });

  it('accepts upper-case hex ids and returns them lowercase', () => {
    const span = decodeTracesJson(oneSpan({ traceId: 'ABCDEF0123456789ABCDEF0123456789', spanId: 'ABCDEF0123456789', parentSpanId: '' }))
      .spans[0];
    expect(span.traceId).toBe('abcdef0123456789abcdef0123456789');
    expect(span.spanId).toBe('abcdef0123456789');
    expect(span.parentSpanId).toBe('');
  });

  it('accepts timestamps and intValue as strings or numbers, and enum names', () => {
    const span = decodeTracesJson(
      oneSpan({
        kind: 'SPAN_KIND_CLIENT',
        startTimeUnixNano: '1760000000123456789',
        endTimeUnixNano: 1760000000,
        status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
        attributes: [
          { key: 'a', value: { intValue: '-9223372036854775808' } },
          { key: 'b', value: { intValue: 42 } },
          { key: 'c', value: { intValue: '7' } },
          { key: 'd', value: { doubleValue: 'NaN' } },
          { key: 'e', value: { bytesValue: 'AAEC/w==' } },
          { key: 'f', value: {} },
        ],
        unknownField: { ignored: true },
      }),
    ).spans[0];
    expect(span.kind).toBe(3);
    expect(span.startTimeUnixNano).toBe(1_760_000_000_123_456_789n);
    expect(span.endTimeUnixNano).toBe(1_760_000_000n);
    expect(span.status).toEqual({ code: 2, message: 'boom' });
    expect(span.attributes).toEqual({ a: -(2n ** 63n), b: 42, c: 7, d: NaN, e: new Uint8Array([0, 1, 2, 255]), f: null });
  });

  it('rejects invalid JSON, naming the position', () => {
    const err = decodeError(() => decodeTracesJson('{"resourceSpans": [}'));
    expect(err.message).toMatch(/^invalid JSON: .*position 19/);
  });

  it('rejects a truncated JSON body, naming the end as the position', () => {
    expect(decodeError(() => decodeTracesJson('{"resourceSpans": [')).message).toMatch(/^invalid JSON: .*at position 19$/);
  });

  it('rejects a top level that is not an object', () => {
    expect(decodeError(() => decodeTracesJson('[]')).message).toBe('expected a JSON object at the top level, got an array');
  });

  it('rejects a hex id of the wrong length or with non-hex characters, naming the path', () => {
    expect(decodeError(() => decodeTracesJson(oneSpan({ traceId: 'abc' }))).message).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].traceId: expected 32 hex characters (16 bytes) or an empty string, got "abc"',
    );
    expect(decodeError(() => decodeTracesJson(oneSpan({ spanId: 'zzzzzzzzzzzzzzzz' }))).path).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].spanId',
    );
  });

  it('rejects a timestamp of the wrong type, naming the path', () => {
    expect(decodeError(() => decodeTracesJson(oneSpan({ startTimeUnixNano: true }))).message).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano: expected a decimal string or integer (unsigned 64-bit nanoseconds), got true',
    );
    expect(decodeError(() => decodeTracesJson(oneSpan({ endTimeUnixNano: '-5' }))).path).toBe(
      'resourceSpans[0].scopeSpans[0].spans[0].endTimeUnixNano',
    );
  });

  it('rejects wrong-typed nested fields with their full path', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'CLIENT' }, 'resourceSpans[0].scopeSpans[0].spans[0].kind'],
      [{ name: 5 }, 'resourceSpans[0].scopeSpans[0].spans[0].name'],
      [{ attributes: {} }, 'resourceSpans[0].scopeSpans[0].spans[0].attributes'],
      [{ attributes: [{ key: 'k', value: { intValue: '1.5' } }] }, 'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue'],
      [
        { attributes: [{ key: 'k', value: { boolValue: 'yes' } }] },
        'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.boolValue',
      ],
      [
        { attributes: [{ key: 'k', value: { bytesValue: '***' } }] },
        'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.bytesValue',
      ],
      [
        { attributes: [{ key: 'k', value: { arrayValue: { values: [{ stringValue: 1 }] } } }] },
        'resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.arrayValue.values[0].stringValue',
      ],
      [{ events: [{ name: 'e' }, { timeUnixNano: 1.5 }] }, 'resourceSpans[0].scopeSpans[0].spans[0].events[1].timeUnixNano'],
      [{ links: [{ traceId: 'x' }] }, 'resourceSpans[0].scopeSpans[0].spans[0].links[0].traceId'],
      [{ status: { code: 1.5 } }, 'resourceSpans[0].scopeSpans[0].spans[0].status.code'],
      [{ droppedAttributesCount: -1 }, 'resourceSpans[0].scopeSpans[0].spans[0].droppedAttributesCount'],
    ];
    for (const [span, path] of cases) expect(decodeError(() => decodeTracesJson(oneSpan(span))).path).toBe(path);
  });

  it('rejects a resource that is not an object', () => {
    const err = decodeError(() => decodeTracesJson(JSON.stringify({ resourceSpans: [{ resource: 'x' }] })));
    expect(err.message).toBe('resourceSpans[0].resource: expected an object, got "x"');
  });

  it('accepts 32 nested kvlists and rejects 33, naming where', () => {
    const nest = (depth: number): unknown =>
      depth === 0 ? { stringValue: 'leaf' } : { kvlistValue: { values: [{ key: 'k', value: nest(depth - 1) }] } };
    expect(() => decodeTracesJson(oneSpan({ attributes: [{ key: 'deep', value: nest(32) }] }))).not.toThrow();
    const err = decodeError(() => decodeTracesJson(oneSpan({ attributes: [{ key: 'deep', value: nest(33) }] })));
    expect(err.path).toMatch(
      /^resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[0\]\.value(\.kvlistValue\.values\[0\]\.value){32}\.kvlistValue$/,
    );
    expect(err.problem).toBe('AnyValue nested deeper than 32 arrays/kvlists');
  });

  it('either decodes or throws OtlpDecodeError whatever JSON sits in any span field', () => {
    const keys = [
      'traceId',
      'spanId',
      'parentSpanId',
      'name',
      'kind',
      'flags',
      'startTimeUnixNano',
      'attributes',
      'events',
      'links',
      'status',
      'droppedAttributesCount',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 4 }), (key, value) => {
        try {
          decodeTracesJson(oneSpan({ [key]: value }));
        } catch (err) {
          expect(err).toBeInstanceOf(OtlpDecodeError);
          expect((err as OtlpDecodeError).path.startsWith(`resourceSpans[0].scopeSpans[0].spans[0].${key}`)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('either decodes or throws OtlpDecodeError for arbitrary JSON attribute values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        try {
          decodeTracesJson(oneSpan({ attributes: [{ key: 'k', value }] }));
        } catch (err) {
          expect(err).toBeInstanceOf(OtlpDecodeError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('returns no spans for an empty object', () => {
    expect(decodeTracesJson('{}')).toEqual({ spans: [] });
  });
});

describe('decodeLogsJson', () => {
  it('decodes whatever the official JSON serializer encodes back to the same log records', () => {
    fc.assert(
      fc.property(logBatchArb, ({ logs, expected }) => {
        expect(decodeLogsJson(serializeLogsJson(logs)).logs).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('accepts severity names and rejects a wrong-typed body with its path', () => {
    const request = (record: Record<string, unknown>) => JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] });
    expect(decodeLogsJson(request({ severityNumber: 'SEVERITY_NUMBER_WARN3' })).logs[0].severityNumber).toBe(15);
    expect(decodeError(() => decodeLogsJson(request({ body: 'text' }))).message).toBe(
      'resourceLogs[0].scopeLogs[0].logRecords[0].body: expected an AnyValue object, got "text"',
    );
  });
});
