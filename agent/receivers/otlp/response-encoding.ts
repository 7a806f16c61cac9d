// Stand-in for agent/otlp/encode-response.ts, which had not landed while this receiver was
// written: the few messages the receiver answers with, in protobuf and OTLP/JSON.
//   Export{Trace,Logs}ServiceResponse { ExportPartialSuccess partial_success = 1 }
//   ExportPartialSuccess { int64 rejected_{spans,log_records} = 1; string error_message = 2 }
//   google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3 }
//   google.protobuf.Any { string type_url = 1; bytes value = 2 }
//   google.rpc.RetryInfo { google.protobuf.Duration retry_delay = 1 }; Duration { int64 seconds = 1 }

const EMPTY = Buffer.alloc(0);

export type Signal = 'traces' | 'logs';

/** The response to a successful export; partial_success is left unset when nothing was rejected and there is no message. */
export function encodeExportResponseProtobuf(rejected: number, message: string): Buffer {
  if (rejected === 0 && message === '') return EMPTY;
  return lengthDelimited(1, Buffer.concat([varintField(1, rejected), stringField(2, message)]));
}

export function encodeExportResponseJson(signal: Signal, rejected: number, message: string): string {
  if (rejected === 0 && message === '') return '{}';
  const key = signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
  // int64 is a decimal string in OTLP/JSON.
  return JSON.stringify({ partialSuccess: { [key]: String(rejected), errorMessage: message } });
}

/** google.rpc.Status; with retryAfterSec, a RetryInfo detail says when to retry. */
export function encodeStatusProtobuf(code: number, message: string, retryAfterSec?: number): Buffer {
  const parts = [varintField(1, code), stringField(2, message)];
  if (retryAfterSec !== undefined) {
    const retryInfo = lengthDelimited(1, varintField(1, retryAfterSec));
    const any = Buffer.concat([stringField(1, 'type.googleapis.com/google.rpc.RetryInfo'), lengthDelimited(2, retryInfo)]);
    parts.push(lengthDelimited(3, any));
  }
  return Buffer.concat(parts);
}

export function encodeStatusJson(code: number, message: string, retryAfterSec?: number): string {
  const details = retryAfterSec === undefined ? undefined : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSec}s` }];
  return JSON.stringify({ code, message, ...(details ? { details } : {}) });
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}

function varintField(field: number, n: number): Buffer {
  return n === 0 ? EMPTY : Buffer.concat([varint(field << 3), varint(n)]);
}

function stringField(field: number, s: string): Buffer {
  return s === '' ? EMPTY : lengthDelimited(field, Buffer.from(s, 'utf8'));
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint((field << 3) | 2), varint(payload.length), payload]);
}
