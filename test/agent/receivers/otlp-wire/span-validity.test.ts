import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../../../agent/core/model/otlp.ts';
import { decodeTracesProtobuf } from '../../../../agent/receivers/otlp-wire/decode-traces-protobuf.ts';
import { spanRejectionReason } from '../../../../agent/receivers/otlp-wire/span-validity.ts';
import { genAiTraceRequest } from '../../../support/otlp-fixtures.ts';

const span = (ids: Partial<Pick<OtlpSpan, 'traceId' | 'spanId' | 'parentSpanId'>>): OtlpSpan => ({
  ...decodeTracesProtobuf(genAiTraceRequest(1).protobuf).spans[0],
  ...ids,
});

describe('spanRejectionReason', () => {
  it('accepts a span with a 16-byte trace id, an 8-byte span id and no parent', () => {
    expect(spanRejectionReason(span({ traceId: 'a1'.repeat(16), spanId: 'b2'.repeat(8), parentSpanId: '' }))).toBeNull();
  });

  it('rejects an empty trace id', () => {
    expect(spanRejectionReason(span({ traceId: '' }))).toBe('trace_id must be 16 bytes, got 0');
  });

  it('rejects a span id of the wrong length', () => {
    expect(spanRejectionReason(span({ spanId: 'abcdef' }))).toBe('span_id must be 8 bytes, got 3');
  });

  it('rejects all-zero ids, which W3C trace context calls invalid', () => {
    expect(spanRejectionReason(span({ traceId: '0'.repeat(32) }))).toBe('trace_id must not be all zeros');
    expect(spanRejectionReason(span({ spanId: '0'.repeat(16) }))).toBe('span_id must not be all zeros');
  });

  it('rejects a parent span id that is neither empty nor 8 bytes', () => {
    expect(spanRejectionReason(span({ parentSpanId: 'ab' }))).toBe('parent_span_id must be 8 bytes or empty, got 1');
  });
});
