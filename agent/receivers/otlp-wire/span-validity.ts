// Which decoded spans the receiver can use. The decoders keep spans with bad ids so that one bad
// span does not fail a whole request; the receiver rejects them through partial_success instead.

import type { OtlpSpan } from '../../core/model/otlp.ts';

const ALL_ZERO = /^0+$/;

/** null when the span is usable, else why not (sent back in partial_success.error_message). */
export function spanRejectionReason(span: OtlpSpan): string | null {
  return (
    idProblem('trace_id', span.traceId, 16, false) ??
    idProblem('span_id', span.spanId, 8, false) ??
    idProblem('parent_span_id', span.parentSpanId, 8, true)
  );
}

function idProblem(field: string, hex: string, bytes: number, optional: boolean): string | null {
  if (hex.length === bytes * 2) return ALL_ZERO.test(hex) ? `${field} must not be all zeros` : null;
  if (optional && hex.length === 0) return null;
  // Protobuf ids are decoded whatever their length; hex has two characters per byte.
  return `${field} must be ${bytes} bytes${optional ? ' or empty' : ''}, got ${hex.length / 2}`;
}
