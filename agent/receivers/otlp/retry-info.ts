// The google.rpc.Status a gRPC refusal carries in `grpc-status-details-bin`, with a RetryInfo
// detail: the OTLP spec's way to tell a gRPC client when to retry an UNAVAILABLE.
//   Status { code = 1; message = 2; repeated google.protobuf.Any details = 3 }
//   Any { string type_url = 1; bytes value = 2 }; RetryInfo { Duration retry_delay = 1 }; Duration { int64 seconds = 1 }
import { encodeStatusProtobuf } from '../otlp-wire/encode-response.ts';

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';

export function encodeStatusWithRetryInfo(code: number, message: string, retryAfterSec: number): Buffer {
  const duration = Buffer.from([0x08, ...varint(Math.max(0, Math.ceil(retryAfterSec)))]);
  const retryInfo = field(1, duration);
  const any = Buffer.concat([field(1, Buffer.from(RETRY_INFO_TYPE_URL)), field(2, retryInfo)]);
  // Protobuf fields may be concatenated: the details field follows code and message.
  return Buffer.concat([encodeStatusProtobuf(code, message), field(3, any)]);
}

function field(n: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([(n << 3) | 2, ...varint(payload.length)]), payload]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}
