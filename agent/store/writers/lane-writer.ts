// How one lane's items reach PostgreSQL: the part of the postgres exporter that differs per lane.
// The exporter owns the transaction, the spill buffer, the drain and dead letters; a writer only
// turns items into idempotent statements inside the transaction it is given.
import type pg from 'pg';

export interface LaneWriteOptions {
  /** Recorded with each row (which agent wrote it); null when unknown. */
  agentInstance: string | null;
  /** Rows per INSERT statement, so a large batch never exceeds the parameter limit. */
  maxRowsPerStatement: number;
}

export interface LaneWriter<T> {
  /** dead_letters.record_type of an item PostgreSQL refused for good. */
  readonly recordType: string;
  /** Writes the items inside the caller's transaction. Idempotent: the same items twice change nothing. */
  write(client: pg.PoolClient, items: readonly T[], options: LaneWriteOptions): Promise<void>;
}
