import { describe, expect, it } from 'vitest';
import {
  encodeExportResponseJson,
  encodeExportResponseProtobuf,
  encodeStatusJson,
  encodeStatusProtobuf,
  MAX_ERROR_MESSAGE_BYTES,
  truncateErrorMessage,
} from '../../../../agent/receivers/otlp-wire/encode-response.ts';
import { ProtobufReader } from '../../../../agent/receivers/otlp-wire/protobuf-reader.ts';

/** Reads a message's fields with our own reader: field number → varint or UTF-8 string / nested bytes. */
function fields(bytes: Uint8Array): Map<number, number | bigint | Uint8Array> {
  const r = new ProtobufReader(bytes, []);
  const out = new Map<number, number | bigint | Uint8Array>();
  while (r.more()) {
    const t = r.readTag();
    out.set(t >>> 3, (t & 7) === 0 ? r.readInt64() : r.readBytes());
  }
  return out;
}
const text = (v: unknown) => new TextDecoder().decode(v as Uint8Array);

describe('encodeExportResponseProtobuf', () => {
  it('is empty on full success', () => {
    expect(encodeExportResponseProtobuf()).toEqual(new Uint8Array(0));
    expect(encodeExportResponseProtobuf({ rejected: 0, errorMessage: '' })).toEqual(new Uint8Array(0));
  });

  it('sets partial_success with the rejected count and message', () => {
    const response = fields(encodeExportResponseProtobuf({ rejected: 3, errorMessage: 'trace_id must be 16 bytes, got 0' }));
    expect([...response.keys()]).toEqual([1]);
    const partial = fields(response.get(1) as Uint8Array);
    expect(partial.get(1)).toBe(3);
    expect(text(partial.get(2))).toBe('trace_id must be 16 bytes, got 0');
  });

  it('sends a warning (0 rejected, a message) without a rejected count', () => {
    const partial = fields(
      fields(encodeExportResponseProtobuf({ rejected: 0, errorMessage: 'attributes truncated' })).get(1) as Uint8Array,
    );
    expect(partial.has(1)).toBe(false);
    expect(text(partial.get(2))).toBe('attributes truncated');
  });

  it('encodes large rejected counts as multi-byte varints', () => {
    const partial = fields(fields(encodeExportResponseProtobuf({ rejected: 2 ** 40, errorMessage: '' })).get(1) as Uint8Array);
    expect(partial.get(1)).toBe(2 ** 40);
  });
});

describe('encodeExportResponseJson', () => {
  it('is {} on full success', () => {
    expect(encodeExportResponseJson('traces')).toBe('{}');
    expect(encodeExportResponseJson('logs', null)).toBe('{}');
  });

  it('names the rejected count per signal, as a decimal string', () => {
    expect(encodeExportResponseJson('traces', { rejected: 3, errorMessage: 'bad ids' })).toBe(
      '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad ids"}}',
    );
    expect(encodeExportResponseJson('logs', { rejected: 1, errorMessage: '' })).toBe('{"partialSuccess":{"rejectedLogRecords":"1"}}');
  });
});

describe('google.rpc.Status encoders', () => {
  it('encodes code and message as protobuf fields 1 and 2', () => {
    const status = fields(encodeStatusProtobuf(3, 'resource_spans[0]: truncated varint'));
    expect(status.get(1)).toBe(3);
    expect(text(status.get(2))).toBe('resource_spans[0]: truncated varint');
  });

  it('encodes code and message as JSON', () => {
    expect(JSON.parse(encodeStatusJson(8, 'queue full'))).toEqual({ code: 8, message: 'queue full' });
  });

  it('truncates messages to 4 KiB of UTF-8 without splitting a character', () => {
    const long = '😀'.repeat(5000);
    const status = fields(encodeStatusProtobuf(3, long));
    const message = status.get(2) as Uint8Array;
    expect(message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
    const decoded = new TextDecoder('utf-8', { fatal: true }).decode(message);
    expect(decoded).toMatch(/^(😀)+ …\(truncated\)$/);
    expect(JSON.parse(encodeStatusJson(3, long)).message).toBe(decoded);
  });

  it('leaves messages within the limit unchanged and cuts one byte over to exactly the limit', () => {
    const exact = 'x'.repeat(MAX_ERROR_MESSAGE_BYTES);
    expect(truncateErrorMessage(exact)).toBe(exact);
    const cut = truncateErrorMessage(exact + 'y');
    expect(new TextEncoder().encode(cut).length).toBe(MAX_ERROR_MESSAGE_BYTES);
    expect(cut.endsWith('x …(truncated)')).toBe(true);
  });
});
