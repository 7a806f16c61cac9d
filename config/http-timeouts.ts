// Timeouts every HTTP listener takes (the OTLP receiver, the REST API), so a client that sends its
// headers or body a byte at a time (slowloris) or never stops sending headers is cut off instead
// of holding a connection and its buffers open forever. Node's defaults are 60 s for headers, 5 min
// for a whole request, and a check only every 30 s; these are tighter and checked every second.
import { z } from 'zod';
import { milliseconds } from './units.ts';

export const HTTP_TIMEOUT_DEFAULTS = { read_header_timeout_ms: 10_000, read_timeout_ms: 60_000, idle_timeout_ms: 30_000 } as const;

export const httpTimeoutFields = {
  read_header_timeout_ms: milliseconds()
    .default(HTTP_TIMEOUT_DEFAULTS.read_header_timeout_ms)
    .describe('Longest a client may take to send the request line and headers; a slower one gets 408 and its connection is closed.'),
  read_timeout_ms: milliseconds()
    .default(HTTP_TIMEOUT_DEFAULTS.read_timeout_ms)
    .describe(
      'Longest a client may take to send a whole request, headers and body; a slower one gets 408 and its connection ' +
        'is closed. At least read_header_timeout_ms.',
    ),
  idle_timeout_ms: milliseconds()
    .default(HTTP_TIMEOUT_DEFAULTS.idle_timeout_ms)
    .describe('How long a keep-alive connection may wait for its next request before it is closed.'),
};

export interface HttpTimeouts {
  read_header_timeout_ms: number;
  read_timeout_ms: number;
  idle_timeout_ms: number;
}

/** For a superRefine on a schema holding httpTimeoutFields: Node requires headers to time out first. */
export function checkHttpTimeouts(t: HttpTimeouts, ctx: z.RefinementCtx): void {
  if (t.read_header_timeout_ms > t.read_timeout_ms) {
    ctx.addIssue({
      code: 'custom',
      path: ['read_timeout_ms'],
      message: `expected at least read_header_timeout_ms (${t.read_header_timeout_ms}), got ${t.read_timeout_ms}`,
    });
  }
}

/** node:http createServer options enforcing `t`. */
export function httpServerTimeouts(t: HttpTimeouts): {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    headersTimeout: t.read_header_timeout_ms,
    requestTimeout: t.read_timeout_ms,
    keepAliveTimeout: t.idle_timeout_ms,
    // Node only looks for expired requests this often: a fraction of the shortest timeout.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(t.read_header_timeout_ms / 4))),
  };
}
