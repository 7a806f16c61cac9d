// OTLP requests built by hand for the receiver tests, and the "it still answers" check that
// follows every bad-input case.
import { request } from 'node:http';
import { expect } from 'vitest';
import type { ReceiverUnderTest } from './receiver-under-test.ts';

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

export function jsonSpan(spanId: string, name = 'chat gpt-4o', traceId = TRACE_ID) {
  return {
    traceId,
    spanId,
    name,
    kind: 3,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000250000000',
    attributes: [{ key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o' } }],
  };
}

export function jsonTraces(...spans: object[]): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'test' } }] },
        scopeSpans: [{ scope: { name: 'test' }, spans }],
      },
    ],
  });
}

/**
 * ExportTraceServiceRequest with one span that has only a name (no trace or span id):
 * resource_spans(1) { scope_spans(2) { spans(2) { name(5) = "x" } } }.
 */
export const PROTOBUF_SPAN_WITHOUT_IDS = Buffer.from('0a07120512032a0178', 'hex');

export const postJson = (r: ReceiverUnderTest, body: string, path = '/v1/traces', headers: Record<string, string> = {}) =>
  fetch(`${r.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

export const postProtobuf = (r: ReceiverUnderTest, body: Uint8Array, path = '/v1/traces', headers: Record<string, string> = {}) =>
  fetch(`${r.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...headers }, body });

let goodRequests = 0;
/** A good request right after a bad one: 200, `{}`, and its span reaches the sink. */
export async function expectStillAnswers(r: ReceiverUnderTest): Promise<void> {
  const spanId = (0xabc000 + ++goodRequests).toString(16).padStart(16, '0');
  const res = await postJson(r, jsonTraces(jsonSpan(spanId)));
  expect(res.status).toBe(200);
  expect(await readJson(res)).toEqual({});
  expect(r.sink.spans().map((s) => s.spanId)).toContain(spanId);
}

/** A raw node:http POST that streams the body in chunks without Content-Length. */
export function postChunked(
  url: string,
  headers: Record<string, string>,
  chunks: Buffer[],
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    // Rejects only if the connection fails before an answer arrived.
    req.on('error', reject);
    let i = 0;
    const writeNext = () => {
      while (i < chunks.length) {
        if (!req.write(chunks[i++])) return void req.once('drain', writeNext);
      }
      req.end();
    };
    writeNext();
  });
}

/** A JSON answer: an export response or a google.rpc.Status. */
export interface JsonAnswer {
  code?: number;
  message?: string;
  details?: unknown[];
  partialSuccess?: { rejectedSpans?: string; rejectedLogRecords?: string; errorMessage?: string };
}

export const readJson = (res: Response): Promise<JsonAnswer> => res.json() as Promise<JsonAnswer>;

/** ExportTraceServiceRequest with one span { trace_id, span_id, name }, hand-encoded. */
export function protobufTraces(spanIdHex: string, name = 'chat', traceIdHex = TRACE_ID): Buffer {
  const field = (n: number, payload: Buffer) => Buffer.concat([Buffer.from([(n << 3) | 2, payload.length]), payload]);
  const span = Buffer.concat([
    field(1, Buffer.from(traceIdHex, 'hex')),
    field(2, Buffer.from(spanIdHex, 'hex')),
    field(5, Buffer.from(name)),
  ]);
  return field(1, field(2, field(2, span)));
}
