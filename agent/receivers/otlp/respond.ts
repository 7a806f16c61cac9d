// Writing OTLP/HTTP answers: the export response (empty, `{}` or partial_success) and error
// answers carrying a google.rpc.Status, both in the request's encoding.
import type { ServerResponse } from 'node:http';
import {
  encodeExportResponseJson,
  encodeExportResponseProtobuf,
  encodeStatusJson,
  encodeStatusProtobuf,
  type OtlpSignal,
} from '../otlp-wire/encode-response.ts';

export type BodyEncoding = 'protobuf' | 'json';

const CONTENT_TYPE: Record<BodyEncoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

// The Status `code` is not interpreted by OTLP clients; the gRPC code that matches the HTTP
// status keeps the body meaningful anyway (as the Collector does).
const GRPC_CODE: Record<number, number> = { 400: 3, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 500: 13, 503: 14 };

export function sendExportResponse(
  res: ServerResponse,
  encoding: BodyEncoding,
  signal: OtlpSignal,
  rejected: number,
  message: string,
): void {
  const partial = { rejected, errorMessage: message };
  const body = encoding === 'json' ? encodeExportResponseJson(signal, partial) : encodeExportResponseProtobuf(partial);
  send(res, 200, encoding, body);
}

export function sendStatus(
  res: ServerResponse,
  encoding: BodyEncoding,
  httpStatus: number,
  message: string,
  options: { retryAfterSec?: number } = {},
): void {
  const code = GRPC_CODE[httpStatus] ?? 2;
  const { retryAfterSec } = options;
  if (retryAfterSec !== undefined) res.setHeader('Retry-After', String(Math.max(0, Math.ceil(retryAfterSec))));
  const body = encoding === 'json' ? encodeStatusJson(code, message) : encodeStatusProtobuf(code, message);
  send(res, httpStatus, encoding, body);
}

function send(res: ServerResponse, status: number, encoding: BodyEncoding, body: string | Uint8Array): void {
  res.writeHead(status, { 'Content-Type': CONTENT_TYPE[encoding], 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
