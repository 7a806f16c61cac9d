// Retention on the leader: failure events and incident history live in day partitions (UTC), so
// keeping `retention_days` is dropping whole partitions, not deleting rows; the next days'
// partitions are created ahead so writers never wait on DDL. Rows that landed in a default
// partition (a day nobody created in time, or far in the past) are moved into their day when it is
// created, and deleted by age here. Small tables without partitions (dead letters, the
// notification log, resolved incidents) are deleted by age. Every change runs fenced by the lease.
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.ts';
import type { Leadership } from '../core/leadership.ts';
import type { Database } from './database.ts';

/** Partitioned tables and their partition key. */
export const DAY_PARTITIONED = [
  { table: 'failure_events', key: 'occurred_at' },
  { table: 'incident_events', key: 'occurred_at' },
  { table: 'incident_transitions', key: 'at' },
] as const;

/** Plain tables deleted by age: [table, time column, extra condition]. */
const AGED_ROWS = [
  ['dead_letters', 'failed_at', ''],
  ['notification_log', 'created_at', ''],
  ['incidents', 'resolved_at', "AND state = 'resolved'"],
] as const;

const DAY_MS = 86_400_000;
/** Partitions created ahead of today. */
const DAYS_AHEAD = 2;

export interface RetentionResult {
  /** Partitions dropped, by name. */
  dropped: string[];
  /** Rows deleted by age, by table (default partitions included). */
  deleted: Record<string, number>;
  /** Partitions created (or already there) for today and the days ahead. */
  ensured: number;
}

export interface RetentionOptions {
  database: Database;
  leadership: Leadership;
  retentionDays: number;
  /** Wall time: retention is about the calendar, not about event time. */
  clock: Clock;
  logger: Logger;
}

const dayOf = (ms: number) => new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);

/** One pass: create the coming days' partitions, drop expired ones, delete expired rows. Only on the leader. */
export async function runRetention(options: RetentionOptions): Promise<RetentionResult> {
  const { database, leadership, retentionDays, clock } = options;
  const result: RetentionResult = { dropped: [], deleted: {}, ensured: 0 };
  const epoch = leadership.epoch();
  if (!leadership.isLeader()) return result;
  const nowMs = clock.now();
  const cutoffMs = Math.floor(nowMs / DAY_MS) * DAY_MS - retentionDays * DAY_MS;
  const cutoffDay = dayOf(cutoffMs);
  const cutoff = new Date(cutoffMs).toISOString();

  const fenced = async <T>(work: (client: import('pg').PoolClient) => Promise<T>): Promise<T> => {
    const client = await database.pool.connect();
    try {
      await client.query('BEGIN');
      await leadership.fence(client, epoch);
      // Dropping a partition waits for readers of the parent; give up rather than stall writers behind it.
      await client.query("SET LOCAL lock_timeout = '5s'");
      const out = await work(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  };

  for (const { table } of DAY_PARTITIONED) {
    for (let d = 0; d <= DAYS_AHEAD; d++) {
      await fenced((c) => c.query('SELECT faultline_day_partition($1, $2::date)', [table, dayOf(nowMs + d * DAY_MS)]));
      result.ensured += 1;
    }
    const { rows } = await database.pool.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`,
      [table],
    );
    const prefix = `${table}_p`;
    for (const { name } of rows) {
      const m = name.startsWith(prefix) ? /^(\d{4})(\d{2})(\d{2})$/.exec(name.slice(prefix.length)) : null;
      if (!m || `${m[1]}-${m[2]}-${m[3]}` >= cutoffDay) continue;
      await fenced((c) => c.query(`DROP TABLE ${c.escapeIdentifier(name)}`));
      result.dropped.push(name);
    }
  }
  for (const { table, key } of DAY_PARTITIONED) {
    const def = `${table}_default`;
    const n = await fenced((c) => c.query(`DELETE FROM ${c.escapeIdentifier(def)} WHERE ${key} < $1`, [cutoff]));
    result.deleted[def] = n.rowCount ?? 0;
  }
  for (const [table, column, extra] of AGED_ROWS) {
    const n = await fenced((c) => c.query(`DELETE FROM ${table} WHERE ${column} < $1 ${extra}`, [cutoff]));
    result.deleted[table] = n.rowCount ?? 0;
  }
  return result;
}

export interface Retention {
  start(): void;
  stop(): Promise<void>;
}

/** Runs retention on the leader: when it gains the lease, then every intervalMs while it leads. */
export function startRetention(options: RetentionOptions & { intervalMs: number }): Retention {
  const { logger, leadership } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let unsubscribe: (() => void) | null = null;
  const pass = () => {
    if (running || !leadership.isLeader()) return;
    running = runRetention(options)
      .then((r) => {
        if (r.dropped.length > 0 || Object.values(r.deleted).some((n) => n > 0))
          logger.info({ dropped: r.dropped, deleted: r.deleted, retention_days: options.retentionDays }, 'Dropped expired data.');
      })
      .catch((err: unknown) => logger.warn({ err }, 'Retention failed; it runs again at the next interval.'))
      .finally(() => {
        running = null;
      });
  };
  return {
    start() {
      unsubscribe = leadership.onChange((epoch) => epoch !== null && pass());
      timer = setInterval(pass, options.intervalMs);
      timer.unref();
      pass();
    },
    async stop() {
      unsubscribe?.();
      clearInterval(timer);
      await running;
    },
  };
}
