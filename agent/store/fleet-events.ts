// Every agent's failure events, read once by the fleet leader in the order they became visible.
// Each row carries the id of the transaction that wrote it (tx_id); the leader reads rows after its
// cursor whose transaction is older than the oldest one still running (pg_snapshot_xmin), so a
// batch another agent commits late is never skipped and nothing is read twice. The cursor moves in
// the same fenced transaction as the work done with the events (commitFleetWork), so a new leader
// resumes exactly where the last commit left off. Plain statements only: works through PgBouncer.
import type pg from 'pg';
import type { Leadership } from '../core/leadership.ts';
import type { FailureEvent } from '../core/model/failure-event.ts';
import type { Database } from './database.ts';
import { FAILURE_EVENT_COLUMNS, rowToFailureEvent, type FailureEventRow } from './failure-event-row.ts';

/**
 * The fleet correlator's cursor. Its leader commits it at every poll (moved or not), so while it runs
 * the incidents leader groups only events the correlator has linked (their clusters known first).
 */
export const CORRELATOR_CURSOR = 'correlator';
/** A cursor not committed for this long belongs to a reader that is not running (removed, failing). */
export const LIVE_CURSOR_MS = 10_000;

/** A position in failure_events: after this transaction id and, within it, this failure_id. */
export interface FleetCursor {
  txId: string;
  failureId: string;
}

export interface FleetEventPage {
  events: FailureEvent[];
  /** Where the next read starts; equal to the read's start when nothing new was visible. */
  next: FleetCursor;
  /** True when the page was full: more may be waiting. */
  more: boolean;
}

/** Events after a cursor ($1, $2) whose transactions have all ended; `upTo`: no further than ($4, $5). */
const pageQuery = (upTo: boolean) => `
  SELECT ${FAILURE_EVENT_COLUMNS.join(', ')}, tx_id::text AS cursor_tx
    FROM failure_events
   WHERE (tx_id, failure_id) > ($1::xid8, $2) AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
     ${upTo ? 'AND (tx_id, failure_id) <= ($4::xid8, $5)' : ''}
   ORDER BY tx_id, failure_id
   LIMIT $3`;
const SELECT_PAGE = pageQuery(false);
const SELECT_PAGE_UP_TO = pageQuery(true);

/** The cursor named `name`; created at the current transaction horizon if missing (nothing older is read). */
export async function readFleetCursor(db: Database, name: string): Promise<FleetCursor> {
  await db.pool.query(
    `INSERT INTO fleet_cursors (name, tx_id, failure_id, epoch) VALUES ($1, pg_snapshot_xmin(pg_current_snapshot()), '', 0)
     ON CONFLICT (name) DO NOTHING`,
    [name],
  );
  const { rows } = await db.pool.query<{ tx_id: string; failure_id: string }>(
    'SELECT tx_id::text AS tx_id, failure_id FROM fleet_cursors WHERE name = $1',
    [name],
  );
  return { txId: rows[0].tx_id, failureId: rows[0].failure_id };
}

export interface FleetReadOptions {
  /** Leave this agent's own events out of the page (the cursor still moves past them). */
  exceptAgent?: string;
  /** Read no further than this position (another reader's cursor that must stay ahead). */
  upTo?: FleetCursor | null;
}

/** The cursor `name` if its reader committed within `maxAgeMs` (it is running), else null. */
export async function readLiveFleetCursor(db: Database, name: string, maxAgeMs: number): Promise<FleetCursor | null> {
  const { rows } = await db.pool.query<{ tx_id: string; failure_id: string }>(
    "SELECT tx_id::text AS tx_id, failure_id FROM fleet_cursors WHERE name = $1 AND updated_at > now() - $2 * interval '1 millisecond'",
    [name, maxAgeMs],
  );
  return rows.length === 0 ? null : { txId: rows[0].tx_id, failureId: rows[0].failure_id };
}

/** Up to `limit` events after `cursor` whose writing transactions have all ended. */
export async function readFleetEvents(
  db: Database,
  cursor: FleetCursor,
  limit: number,
  options: FleetReadOptions = {},
): Promise<FleetEventPage> {
  const { exceptAgent, upTo } = options;
  const { rows } = await db.pool.query<FailureEventRow & { cursor_tx: string }>(
    upTo ? SELECT_PAGE_UP_TO : SELECT_PAGE,
    upTo ? [cursor.txId, cursor.failureId, limit, upTo.txId, upTo.failureId] : [cursor.txId, cursor.failureId, limit],
  );
  const last = rows.at(-1);
  const kept = exceptAgent === undefined ? rows : rows.filter((r) => r.agent_instance !== exceptAgent);
  return {
    events: kept.map(rowToFailureEvent),
    next: last ? { txId: last.cursor_tx, failureId: last.failure_id } : cursor,
    more: rows.length === limit,
  };
}

/**
 * One transaction: the lease is checked at `epoch` (and held until commit), `write` runs, and the
 * cursor moves to `next`. Throws LeaseLostError when the epoch is no longer this agent's; then
 * nothing was written and the caller must drop what it computed.
 */
export async function commitFleetWork(
  db: Database,
  leadership: Leadership,
  epoch: number | null,
  cursorName: string,
  next: FleetCursor,
  write: (client: pg.PoolClient) => Promise<void>,
): Promise<void> {
  await fencedTransaction(db, leadership, epoch, async (client) => {
    await write(client);
    await client.query('UPDATE fleet_cursors SET tx_id = $2::xid8, failure_id = $3, epoch = $4, updated_at = now() WHERE name = $1', [
      cursorName,
      next.txId,
      next.failureId,
      epoch ?? 0,
    ]);
  });
}

/** `write` in one transaction that first checks the lease at `epoch` (LeaseLostError: nothing written). */
export async function fencedTransaction<T>(
  db: Database,
  leadership: Leadership,
  epoch: number | null,
  write: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await leadership.fence(client, epoch);
    const result = await write(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
