// The agent's PostgreSQL connection pool: one per process, shared by the store's users, with a
// readiness check for /readyz and startup. The URL carries a password, so only its redacted form
// (redactUrl) ever reaches a log line or an error message.
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Database } from '../core/database.ts';
import { redactUrl } from './redact-url.ts';

export type { Database };

export interface DatabaseOptions {
  url: string;
  logger: Logger;
  /** Put this schema first on every connection's search_path (tests migrate into fresh schemas). */
  schema?: string;
  maxConnections?: number;
  connectTimeoutMs?: number;
  applicationName?: string;
}

export class DatabaseUnavailableError extends Error {
  readonly code = 'FL_DATABASE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function createDatabase(options: DatabaseOptions): Database {
  const { url, logger, schema } = options;
  const redactedUrl = redactUrl(url);
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(
      `Database schema "${schema}" is not a plain lower-case identifier (letters, digits, underscores); choose another name.`,
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    application_name: options.applicationName ?? 'faultline',
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client whose server goes away emits 'error' on the pool; unhandled, that would crash
  // the agent. The next query gets a fresh connection (or its own error), so a warning is enough.
  // A connection ended from the server side (pg_terminate_backend, a failover, PgBouncer restarting)
  // while checked out but between two queries emits 'error' on its client, where no pool handler
  // listens; unhandled, that ends the process. The query that next uses it fails on its own.
  pool.on('connect', (client) =>
    client.on('error', (err) =>
      logger.warn(
        { err: scrub(err, url, redactedUrl), database: redactedUrl },
        'A PostgreSQL connection in use failed; it will be replaced.',
      ),
    ),
  );
  pool.on('error', (err) =>
    logger.warn({ err: scrub(err, url, redactedUrl), database: redactedUrl }, 'An idle PostgreSQL connection failed; it will be replaced.'),
  );
  // The pool listens for errors only on idle clients. A connection reset while a client is checked
  // out (pool.connect(), between two queries of a transaction) would emit 'error' with no listener:
  // an uncaught exception. Its holder learns of it anyway (the query in flight or the next one fails)
  // and releases the client as broken, so this listener only keeps the process alive.
  pool.on('connect', (client) => client.on('error', () => {}));

  let closing: Promise<void> | undefined;

  async function checkReady(): Promise<void> {
    try {
      await pool.query('SELECT 1');
    } catch (cause) {
      throw new DatabaseUnavailableError(
        `PostgreSQL at ${redactedUrl} is not ready: ${scrub(cause, url, redactedUrl).message}. Check that the server is running and DATABASE_URL is correct.`,
        { cause: scrub(cause, url, redactedUrl) },
      );
    }
  }

  return {
    pool,
    redactedUrl,
    checkReady,
    async waitUntilReady({ timeoutMs = 30_000, intervalMs = 500 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await checkReady();
          logger.info({ database: redactedUrl }, 'Connected to PostgreSQL.');
          return;
        } catch (err) {
          if (Date.now() + intervalMs >= deadline) throw err;
          logger.warn({ database: redactedUrl, err }, 'PostgreSQL is not ready yet; retrying.');
          await sleep(intervalMs);
        }
      }
    },
    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}

/** Driver errors can quote the connection string; make sure no password survives in them. */
function scrub(err: unknown, url: string, redactedUrl: string): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  if (error.message.includes(url)) error.message = error.message.split(url).join(redactedUrl);
  return error;
}
