// One transaction per batch: each stored lane's writer (agent/store/writers) in lane-table order,
// so a batch commits whole or not at all. The writers are idempotent, so a batch delivered twice
// (spilled after a timeout, replayed after a crash) changes nothing the second time.
import type pg from 'pg';
import { lanes } from '../../agent/core/model/lanes.ts';
import { laneWriter, type LaneWriteOptions } from '../../agent/store/writers/index.ts';
import type { ExportItem } from './export-item.ts';

export interface WriteOptions extends LaneWriteOptions {
  /** Server-side cap per statement, so a stuck write ends as a retryable error. */
  statementTimeoutMs: number;
}

export async function writeItems(pool: pg.Pool, items: readonly ExportItem[], options: WriteOptions): Promise<void> {
  const byLane = new Map<string, unknown[]>();
  for (const item of items) {
    let values = byLane.get(item.lane);
    if (!values) byLane.set(item.lane, (values = []));
    values.push(item.value);
  }

  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(options.statementTimeoutMs)}`);
    for (const { name } of lanes()) {
      const values = byLane.get(name);
      if (values) await laneWriter(name)!.write(client, values, options);
    }
    await client.query('COMMIT');
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackErr) {
      broken = rollbackErr as Error; // the connection is gone; do not return it to the pool
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
