// Tells "PostgreSQL is not reachable" (answer 503, retry later) from other query failures (a bug:
// answer 500). node-postgres reports the first kind as socket errors, connection-class SQLSTATEs
// or its pool's connect timeout.
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
// 08: connection exception; 57P01–57P03: shutting down or not accepting; 53300: too many connections.
const SQLSTATE = /^(08...|57P0[123]|53300)$/;
const POOL_MESSAGES = /timeout exceeded when trying to connect|Connection terminated/i;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (code === 'FL_DATABASE_UNAVAILABLE') return true; // our own DatabaseUnavailableError
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATE.test(code))) return true;
  if (POOL_MESSAGES.test(err.message)) return true;
  return err instanceof AggregateError && err.errors.some(isDatabaseUnavailable);
}

/** Unreachable, or reachable but not migrated yet (42P01 undefined_table): try again later. */
export function isStoreNotReady(err: unknown): boolean {
  return isDatabaseUnavailable(err) || (err instanceof Error && (err as { code?: unknown }).code === '42P01');
}
