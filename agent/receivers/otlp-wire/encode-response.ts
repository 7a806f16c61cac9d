// Export responses and error bodies, in the request's encoding (OTLP spec: the response uses the
// request's Content-Type). Full success is an empty protobuf body or `{}`; partial success sets
// partial_success; 4xx/5xx bodies are google.rpc.Status.

/** partial_success of an Export*ServiceResponse: rejected_spans / rejected_log_records and why. */
export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

export type OtlpSignal = 'traces' | 'logs';

/** Longest error message sent back, in UTF-8 bytes; longer ones are cut (responses should stay small). */
export const MAX_ERROR_MESSAGE_BYTES = 4096;
const TRUNCATION_MARK = ' …(truncated)';

const utf8 = new TextEncoder();
const JSON_REJECTED_KEY: Record<OtlpSignal, string> = { traces: 'rejectedSpans', logs: 'rejectedLogRecords' };

/**
 * ExportTraceServiceResponse / ExportLogsServiceResponse as protobuf (identical on the wire:
 * partial_success = 1 { rejected int64 = 1, error_message = 2 }). Empty when nothing was rejected
 * and there is no message.
 */
export function encodeExportResponseProtobuf(partial?: PartialSuccess | null): Uint8Array {
  if (!hasPartialSuccess(partial)) return new Uint8Array(0);
  const inner = new ProtoWriter();
  if (partial.rejected !== 0) inner.varintField(1, partial.rejected);
  if (partial.errorMessage) inner.bytesField(2, utf8.encode(truncateErrorMessage(partial.errorMessage)));
  const outer = new ProtoWriter();
  outer.bytesField(1, inner.finish());
  return outer.finish();
}

/** The same response as OTLP/JSON: `{}` or `{"partialSuccess":{"rejectedSpans":"3","errorMessage":"…"}}`. */
export function encodeExportResponseJson(signal: OtlpSignal, partial?: PartialSuccess | null): string {
  if (!hasPartialSuccess(partial)) return '{}';
  const body: Record<string, string> = {};
  // int64 goes out as a decimal string, as proto3 JSON maps 64-bit integers.
  if (partial.rejected !== 0) body[JSON_REJECTED_KEY[signal]] = String(partial.rejected);
  if (partial.errorMessage) body.errorMessage = truncateErrorMessage(partial.errorMessage);
  return JSON.stringify({ partialSuccess: body });
}

/** google.rpc.Status { code = 1 (int32), message = 2 } for a 4xx/5xx body. */
export function encodeStatusProtobuf(code: number, message: string): Uint8Array {
  const w = new ProtoWriter();
  if (code !== 0) w.varintField(1, code);
  if (message) w.bytesField(2, utf8.encode(truncateErrorMessage(message)));
  return w.finish();
}

export function encodeStatusJson(code: number, message: string): string {
  return JSON.stringify({ code, message: truncateErrorMessage(message) });
}

/** Cuts a message to MAX_ERROR_MESSAGE_BYTES of UTF-8 without splitting a character. */
export function truncateErrorMessage(message: string, maxBytes = MAX_ERROR_MESSAGE_BYTES): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short strings need no encoding to check.
  if (message.length * 3 <= maxBytes) return message;
  const bytes = utf8.encode(message);
  if (bytes.length <= maxBytes) return message;
  let cut = maxBytes - utf8.encode(TRUNCATION_MARK).length;
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--; // back up to the start of a character
  return new TextDecoder().decode(bytes.subarray(0, cut)) + TRUNCATION_MARK;
}

function hasPartialSuccess(partial: PartialSuccess | null | undefined): partial is PartialSuccess {
  return partial != null && (partial.rejected !== 0 || partial.errorMessage !== '');
}

/** Just enough protobuf writing for these small responses. */
class ProtoWriter {
  private readonly bytes: number[] = [];

  varintField(field: number, value: number): void {
    this.varint(field << 3);
    this.varint(value);
  }

  bytesField(field: number, data: Uint8Array): void {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    for (let i = 0; i < data.length; i++) this.bytes.push(data[i]);
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  /** int32/int64 varint; negatives are sign-extended to 64 bits (10 bytes). */
  private varint(value: number): void {
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
}
