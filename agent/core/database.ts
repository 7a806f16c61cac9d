// What a component sees of the agent's PostgreSQL (ctx.database). The store (agent/store/database.ts)
// creates it; the core names only its shape, so the contract does not depend on the store.
import type pg from 'pg';

export interface Database {
  pool: pg.Pool;
  /** The URL with its password hidden, for logs. */
  redactedUrl: string;
  /** Throws DatabaseUnavailableError unless a `SELECT 1` succeeds. */
  checkReady(): Promise<void>;
  /** Retries checkReady until it passes or timeoutMs elapses (then throws its last error). */
  waitUntilReady(options?: { timeoutMs?: number; intervalMs?: number }): Promise<void>;
  /** Ends the pool; safe to call twice. */
  close(): Promise<void>;
}
