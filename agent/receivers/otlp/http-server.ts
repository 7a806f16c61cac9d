// OTLP/HTTP on node:http: POST /v1/traces and /v1/logs, protobuf or JSON on one port (chosen by
// Content-Type), optional gzip. Every failure gets the protocol's status and a google.rpc.Status
// body in the request's encoding; nothing reaches the pipeline unless the whole body decoded.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { DecodedLogs, DecodedTraces } from '../../core/model/otlp.ts';
import { decodeLogsJson, decodeTracesJson } from '../otlp-wire/decode-json.ts';
import { decodeLogsProtobuf } from '../otlp-wire/decode-logs-protobuf.ts';
import { decodeTracesProtobuf } from '../otlp-wire/decode-traces-protobuf.ts';
import type { Admission } from './admission.ts';
import { BodyError, discardRest, readBody } from './body-reader.ts';
import { httpServerTimeouts } from '../../../config/http-timeouts.ts';
import type { HttpProtocolConfig } from './config.ts';
import { listenError, parseEndpoint, type BoundAddress } from '../../core/endpoint.ts';
import type { Ingest, IngestOutcome } from './ingest.ts';
import { sendExportResponse, sendStatus, type BodyEncoding } from './respond.ts';
import { createSampledWarning } from '../../core/sampled-warning.ts';

export interface OtlpHttpServer {
  listen(): Promise<BoundAddress>;
  /** Stops accepting; waits up to drainMs for in-flight requests, then drops the connections. */
  close(drainMs: number): Promise<void>;
}

export interface HttpServerDeps {
  ingest: Ingest;
  admission: Admission;
  isShuttingDown: () => boolean;
  logger: Logger;
  /** The receiver's id, to name its endpoint setting in errors. */
  receiverId: string;
}

/**
 * How much of a too-large body is read and dropped so its sender can read the 413: up to four
 * times the limit, for up to 10 s (an SDK's oversized batch is rarely more; a hostile sender is cut).
 */
const DRAIN_LIMIT_FACTOR = 4;
const DRAIN_MS = 10_000;

const ROUTES: Record<string, 'traces' | 'logs'> = { '/v1/traces': 'traces', '/v1/logs': 'logs' };

const DECODERS = {
  traces: { protobuf: decodeTracesProtobuf, json: decodeTracesJson },
  logs: { protobuf: decodeLogsProtobuf, json: decodeLogsJson },
} as const;

export function createOtlpHttpServer(config: HttpProtocolConfig, deps: HttpServerDeps): OtlpHttpServer {
  const { ingest, admission, isShuttingDown } = deps;
  const warn = createSampledWarning(deps.logger);
  const limit = config.max_request_body_bytes;
  /** Requests between their headers and their answer. */
  let handling = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    const signal = ROUTES[path];
    const encoding = bodyEncodingOf(req.headers['content-type']);
    // An error answer uses the request's encoding; JSON when that is unknown, as it reads best.
    const replyAs: BodyEncoding = encoding ?? 'json';
    // Once shutdown has begun every answer closes its connection, so keep-alive sockets drain.
    if (isShuttingDown()) res.setHeader('Connection', 'close');

    if (signal === undefined) {
      ingest.countFailure('http', 'not_found');
      return sendStatus(res, replyAs, 404, `No OTLP endpoint at ${path}; use POST /v1/traces or POST /v1/logs.`);
    }
    if (req.method !== 'POST') {
      ingest.countFailure('http', 'not_found');
      res.setHeader('Allow', 'POST');
      return sendStatus(res, replyAs, 405, `${path} accepts only POST, not ${req.method}.`);
    }
    if (isShuttingDown()) {
      ingest.countFailure('http', 'shutting_down');
      return sendStatus(res, replyAs, 503, 'The agent is shutting down; retry against another instance or later.', { retryAfterSec: 1 });
    }
    if (handling >= config.max_concurrent_requests) {
      ingest.countFailure('http', 'queue');
      // Discard the unread body as it arrives: a socket closed with unread data is reset, and the
      // sender sees ECONNRESET instead of this 429 and its Retry-After.
      req.resume();
      return sendStatus(
        res,
        replyAs,
        429,
        `The agent is handling ${handling} requests, its limit (receivers.otlp.protocols.http.max_concurrent_requests); retry shortly.`,
        { retryAfterSec: 1 },
      );
    }
    handling++;
    res.once('close', () => handling--);
    if (encoding === null) {
      ingest.countFailure('http', 'unsupported_media_type');
      const got = req.headers['content-type'] ? `"${req.headers['content-type']}"` : 'none';
      return sendStatus(res, replyAs, 415, `Unsupported Content-Type ${got}; send application/x-protobuf or application/json.`);
    }
    const contentEncoding = (req.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (contentEncoding !== '' && contentEncoding !== 'identity' && contentEncoding !== 'gzip') {
      ingest.countFailure('http', 'unsupported_media_type');
      return sendStatus(res, replyAs, 415, `Unsupported Content-Encoding "${contentEncoding}"; send gzip or identity.`);
    }

    // A request that can never be taken gets its final answer (415 above, 413 from readBody for a
    // declared length over the limit) rather than a 503 that has its sender retry it for ever.
    const declaredLength = Number(req.headers['content-length']) || 0;
    const overMemory = declaredLength > limit ? null : admission.check(declaredLength);
    if (overMemory) {
      ingest.countFailure('http', 'memory');
      req.resume();
      return sendStatus(res, replyAs, 503, overMemory.message, { retryAfterSec: overMemory.retryAfterSec });
    }

    let body: Buffer;
    let held = 0;
    // Until the answer is out, the body (and what was decoded from it) is memory this request holds.
    res.once('close', () => admission.releaseBody(held));
    try {
      body = await readBody(req, limit, contentEncoding === 'gzip', (bytes) => {
        held += bytes;
        admission.holdBody(bytes);
      });
    } catch (err) {
      if (!(err instanceof BodyError)) throw err;
      if (err.reason === 'too_large') {
        ingest.countFailure('http', 'too_large');
        // Read to its end (within bounds) so the sender gets to read the 413; past the bounds the
        // connection closes under the upload.
        const declared = Number(req.headers['content-length']) || 0;
        const drained = declared <= DRAIN_LIMIT_FACTOR * limit && (await discardRest(req, DRAIN_LIMIT_FACTOR * limit, DRAIN_MS));
        if (!drained) res.setHeader('Connection', 'close');
        return sendStatus(res, replyAs, 413, err.message);
      }
      ingest.countFailure('http', 'malformed');
      if (err.reason === 'aborted') return void res.destroy();
      return sendStatus(res, replyAs, 400, err.message);
    }

    let decoded: DecodedTraces | DecodedLogs;
    try {
      decoded = DECODERS[signal][encoding](body);
    } catch (err) {
      ingest.countFailure('http', 'malformed');
      const kind = encoding === 'json' ? 'OTLP/JSON' : 'OTLP protobuf';
      return sendStatus(res, replyAs, 400, `The body is not a valid ${kind} ${signal} request: ${(err as Error).message}`);
    }

    const outcome =
      signal === 'traces' ? await ingest.traces('http', decoded as DecodedTraces) : await ingest.logs('http', decoded as DecodedLogs);
    if (isShuttingDown()) res.setHeader('Connection', 'close');
    sendOutcome(res, encoding, signal, outcome);
  }

  const server = createServer({ ...httpServerTimeouts(config) }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      warn({ err, path: req.url }, 'An OTLP/HTTP request failed unexpectedly; the sender got 500.');
      if (res.headersSent) res.destroy();
      else sendStatus(res, 'json', 500, 'The agent failed to handle the request; see its log.');
    });
  });

  let closing: Promise<void> | null = null;
  return {
    async listen() {
      const { host, port } = parseEndpoint(config.endpoint);
      await new Promise<void>((resolve, reject) => {
        const setting = `receivers.${deps.receiverId}.protocols.http.endpoint`;
        const onError = (err: Error) => reject(listenError('The OTLP/HTTP receiver', config.endpoint, setting, err));
        server.once('error', onError);
        server.listen({ host, port, backlog: config.listen_backlog }, () => {
          server.off('error', onError);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      return { host: address.address, port: address.port };
    },
    close(drainMs) {
      closing ??= new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        // close() stops listening and drops idle keep-alive sockets; active ones end after their
        // answer (Connection: close). Past the drain deadline, whatever is left is cut.
        const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

function sendOutcome(res: ServerResponse, encoding: BodyEncoding, signal: 'traces' | 'logs', outcome: IngestOutcome): void {
  switch (outcome.kind) {
    case 'ok':
      return sendExportResponse(res, encoding, signal, outcome.rejected, outcome.message);
    case 'refused': {
      const status = outcome.error.reason === 'queue' ? 429 : 503;
      return sendStatus(res, encoding, status, outcome.error.message, { retryAfterSec: outcome.error.retryAfterSec });
    }
    case 'failed':
      return sendStatus(res, encoding, 500, outcome.message);
  }
}

/** 'protobuf' or 'json' from a Content-Type header (parameters such as charset allowed), else null. */
export function bodyEncodingOf(contentType: string | undefined): BodyEncoding | null {
  const media = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return null;
}
