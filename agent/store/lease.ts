// The fleet lease: one row in `leases`, taken and renewed by a single autocommit
// UPDATE … RETURNING epoch. No session state (no advisory lock, no pinned connection), so it works
// through PgBouncer in transaction mode and survives its connection being terminated: the next
// renewal simply runs on another connection. The epoch rises whenever the lease is taken rather
// than renewed; fleet-wide writes run fence() first, which refuses an epoch that is no longer
// current and holds the row until they commit. Wall time paces renewals: this is the outside
// world's clock (the database's now() decides expiry), never event time.
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Logger } from 'pino';
import { LeaseLostError, type Leadership } from '../core/leadership.ts';
import type { Database } from './database.ts';

export interface LeaseOptions {
  database: Database;
  name: string;
  holder: string;
  ttlMs: number;
  renewIntervalMs: number;
  acquireIntervalMs: number;
  logger: Logger;
}

export interface Lease extends Leadership {
  /** Starts trying to take the lease (first attempt at once). */
  start(): void;
  /** Stops renewing and hands the lease back, so another agent takes it without waiting out the TTL. */
  stop(): Promise<void>;
}

// Renew when held, take when expired (or never held); the epoch rises on every take.
const TAKE_OR_RENEW = `
  UPDATE leases SET
    epoch = CASE WHEN holder = $2 AND expires_at > now() THEN epoch ELSE epoch + 1 END,
    acquired_at = CASE WHEN holder = $2 AND expires_at > now() THEN acquired_at ELSE now() END,
    holder = $2,
    expires_at = now() + make_interval(secs => $3::double precision / 1000),
    renewed_at = now()
  WHERE name = $1 AND (holder = $2 OR expires_at <= now())
  RETURNING epoch::text AS epoch`;

const FENCE = `SELECT 1 FROM leases WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > now() FOR SHARE`;

export function createLease(options: LeaseOptions): Lease {
  const { database, name, holder, ttlMs, logger } = options;
  let current: number | null = null;
  /** performance.now() until which this agent may act as leader: when the renewal was sent, plus the TTL. */
  let validUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let attempting: Promise<void> | null = null;
  const listeners = new Set<(epoch: number | null) => void>();
  let lastError: string | null = null;

  const setEpoch = (epoch: number | null) => {
    if (epoch === current) return;
    const was = current;
    current = epoch;
    if (epoch !== null) logger.info({ lease: name, epoch, previous_epoch: was }, 'This agent leads the fleet now.');
    else logger.warn({ lease: name, epoch: was }, 'This agent no longer leads the fleet; fleet-wide work stops here.');
    for (const l of listeners) {
      try {
        l(epoch);
      } catch (err) {
        logger.error({ err }, 'A leadership listener failed.');
      }
    }
  };

  const isLeader = () => current !== null && performance.now() < validUntil;

  async function attempt(): Promise<void> {
    const sentAt = performance.now();
    try {
      await database.pool.query('INSERT INTO leases (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [name]).catch(() => {});
      const { rows } = await database.pool.query<{ epoch: string }>(TAKE_OR_RENEW, [name, holder, ttlMs]);
      lastError = null;
      if (stopped) return;
      if (rows.length === 1) {
        validUntil = sentAt + ttlMs;
        setEpoch(Number(rows[0].epoch));
      } else setEpoch(null);
    } catch (err) {
      // The lease lasts until validUntil whatever the renewal's fate; until then nothing changes.
      const message = (err as Error).message;
      if (message !== lastError) logger.warn({ err, lease: name }, 'Taking or renewing the fleet lease failed; retrying.');
      lastError = message;
      if (!isLeader()) setEpoch(null);
    }
  }

  const schedule = () => {
    if (stopped) return;
    const leading = isLeader();
    // A leader whose lease runs out before the next renewal would land steps down on time.
    const wait = leading ? options.renewIntervalMs : options.acquireIntervalMs;
    const untilExpiry = leading ? validUntil - performance.now() : Infinity;
    timer = setTimeout(tick, Math.max(0, Math.min(wait, untilExpiry)));
    timer.unref();
  };
  const tick = () => {
    if (current !== null && !isLeader()) setEpoch(null);
    attempting = attempt().finally(() => {
      attempting = null;
      schedule();
    });
  };

  return {
    scope: 'lease',
    holder,
    isLeader,
    epoch: () => (isLeader() ? current : null),
    async fence(client: pg.ClientBase, epoch: number | null) {
      if (epoch === null)
        throw new LeaseLostError(`Fleet-wide work without an epoch cannot be written; ${holder} did not lead when it began.`);
      const { rowCount } = await client.query(FENCE, [name, holder, String(epoch)]);
      if (rowCount !== 1)
        throw new LeaseLostError(
          `The fleet lease "${name}" is no longer held by ${holder} at epoch ${epoch}; the work is left to the new leader.`,
        );
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (timer || stopped) return;
      tick();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      await attempting;
      const epoch = current;
      setEpoch(null);
      if (epoch === null) return;
      await database.pool
        .query(`UPDATE leases SET holder = '', expires_at = now() WHERE name = $1 AND holder = $2 AND epoch = $3`, [
          name,
          holder,
          String(epoch),
        ])
        .catch((err: unknown) =>
          logger.warn({ err, lease: name }, 'Handing back the fleet lease failed; another agent takes it when it expires.'),
        );
    },
  };
}
