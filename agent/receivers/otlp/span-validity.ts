// Stand-in for agent/otlp/span-validity.ts, which had not landed while this receiver was
// written: the reasons a decoded span cannot be used downstream (normalize and trace_assembler
// key everything by trace and span id).
import type { OtlpSpan } from '../../model/otlp.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

/** Why the span is unusable, in English for partial_success; null when it is fine. */
export function spanRejectionReason(span: OtlpSpan): string | null {
  if (span.traceId === '') return 'trace id is missing';
  if (!TRACE_ID.test(span.traceId) || span.traceId === ZERO_TRACE_ID) return 'trace id is not 16 non-zero bytes';
  if (span.spanId === '') return 'span id is missing';
  if (!SPAN_ID.test(span.spanId) || span.spanId === ZERO_SPAN_ID) return 'span id is not 8 non-zero bytes';
  return null;
}
