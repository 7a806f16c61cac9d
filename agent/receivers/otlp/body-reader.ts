// Reads an HTTP request body into one Buffer, enforcing the size limit on the bytes received and
// again after gunzip, so neither a huge body nor a gzip bomb is ever held in memory.
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** Why a body could not be read; the HTTP server maps each to its status code. */
export class BodyError extends Error {
  constructor(
    readonly reason: 'too_large' | 'bad_gzip' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * Resolves with the (decompressed) body. `gzip` says the body is gzip-compressed. Stops reading
 * as soon as the limit is passed; the caller discards the rest (`discardRest`) and answers. `hold` is told of
 * every byte kept in memory for the request (received, then inflated), so it can be counted.
 */
export async function readBody(
  req: IncomingMessage,
  limitBytes: number,
  gzip: boolean,
  hold: (bytes: number) => void = () => {},
): Promise<Buffer> {
  const raw = await readRaw(req, limitBytes, hold);
  if (!gzip) return raw;
  try {
    const inflated = await gunzipAsync(raw, { maxOutputLength: limitBytes });
    hold(inflated.length);
    return inflated;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limitBytes, 'after gzip decompression');
    throw new BodyError('bad_gzip', `The body is not valid gzip: ${(err as Error).message}.`);
  }
}

function readRaw(req: IncomingMessage, limitBytes: number, hold: (bytes: number) => void): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) return Promise.reject(tooLarge(limitBytes, `(Content-Length is ${declared})`));

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.pause();
        reject(tooLarge(limitBytes, ''));
        return;
      }
      chunks.push(chunk);
      hold(chunk.length);
    };
    const onEnd = () => {
      cleanup();
      // The common case is one chunk: hand it over without a copy.
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(new BodyError('aborted', `Reading the request body failed: ${err.message}.`));
    };
    const onAborted = () => onError(new Error('the client closed the connection'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

function tooLarge(limitBytes: number, detail: string): BodyError {
  return new BodyError('too_large', `The request body is larger than the limit of ${limitBytes} bytes${detail ? ` ${detail}` : ''}.`);
}

/**
 * Reads and drops the rest of a body refused as too large, so its sender finishes the upload and
 * reads the answer: a connection closed under an upload resets, and a sender that cannot read its
 * 413 takes the reset as retryable and sends the same body again. Resolves true once the body has
 * ended, false when it goes past `maxBytes` or `maxMs` (or the client goes away): then the caller
 * closes the connection instead.
 */
export function discardRest(req: IncomingMessage, maxBytes: number, maxMs: number): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  return new Promise((resolve) => {
    let dropped = 0;
    const done = (ended: boolean) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('aborted', onGone);
      if (!ended) req.pause();
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > maxBytes) done(false);
    };
    const onEnd = () => done(true);
    const onGone = () => done(false);
    const timer = setTimeout(() => done(false), maxMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('aborted', onGone);
    req.resume();
  });
}
