// What a failed write means for its records. Permanent: the data itself is refused (constraint,
// bad value, too large), so retrying cannot help and the records go to dead_letters. Everything
// else is retryable: the server or the network is the problem (down, restarting, overloaded,
// timed out, serialization conflict), and the records wait in the spill buffer. Unknown errors
// are treated as retryable, because dead-lettering good data by mistake is worse than waiting.

// SQLSTATE classes that judge the data: 21 cardinality, 22 data exception, 23 integrity
// constraint, 54 program limit (e.g. an index row too large for one value).
const PERMANENT_CLASSES = new Set(['21', '22', '23', '54']);

export interface WriteFailure {
  retryable: boolean;
  /** SQLSTATE when the server answered, else a Node/driver code (ECONNREFUSED, FL_WRITE_TIMEOUT). */
  code: string | null;
  message: string;
}

export function classifyWriteError(err: unknown): WriteFailure {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const isSqlState = code !== null && /^[0-9A-Z]{5}$/.test(code);
  return { retryable: !(isSqlState && PERMANENT_CLASSES.has(code.slice(0, 2))), code, message };
}

/** A write that did not finish within write_timeout_ms (it may still land later). */
export class WriteTimeoutError extends Error {
  readonly code = 'FL_WRITE_TIMEOUT';
  constructor(timeoutMs: number) {
    super(`PostgreSQL did not commit the write within ${timeoutMs} ms.`);
    this.name = 'WriteTimeoutError';
  }
}

// Errors that say the server is not there (refused, reset, unreachable, shutting down), as opposed
// to slow (timeouts) or refusing the data: SQLSTATE class 08 and 57P01–57P03, and socket errors.
const AWAY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The write failed because PostgreSQL is away, not because it is slow or refused the data. */
export function isServerAway(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (AWAY_CODES.has(code) || /^(08...|57P0[123])$/.test(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(message);
}
