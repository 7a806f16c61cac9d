// The spill file's layout and the checks run when it is opened. Version 1:
//   records(seq, appended_at_ms, bytes, checksum, record): the queue; seq never reused (AUTOINCREMENT),
//   corrupt_records(...): records that failed their checksum, kept for inspection, never delivered,
//   watermark('acked_up_to', seq): the highest seq acknowledged, so that with the highest seq handed
//   out (sqlite_sequence) a damaged file still says how many records it held at most. Added to
//   version 1 files when opened; agents that predate it ignore it.
import type Database from 'better-sqlite3';

const VERSION = 1;

/** The file is not a spill buffer we can use (failed integrity check, unknown layout). */
export class SpillFileError extends Error {
  readonly code = 'FL_SPILL_FILE_UNUSABLE';
  constructor(message: string) {
    super(message);
    this.name = 'SpillFileError';
  }
}

export function createSpillSchema(db: Database.Database, synchronous: 'FULL' | 'NORMAL'): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version === 0) {
    // Only takes effect before the first table exists; lets ack() return freed pages to the disk.
    db.pragma('auto_vacuum = INCREMENTAL');
  }
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new SpillFileError(`SQLite integrity check failed: ${String(check)}`);
  if (version === 0) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS records (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        appended_at_ms INTEGER NOT NULL,
        bytes          INTEGER NOT NULL,
        checksum       INTEGER NOT NULL,
        record         TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS corrupt_records (
        seq            INTEGER PRIMARY KEY,
        appended_at_ms INTEGER,
        checksum       INTEGER,
        record         BLOB,
        found_at_ms    INTEGER NOT NULL
      );
      PRAGMA user_version = ${VERSION};
    `);
  } else if (version !== VERSION) {
    throw new SpillFileError(`the file has layout version ${version}, this agent reads version ${VERSION}`);
  }
  // One row, no key index: a raw page scan must find exactly one copy of it (see salvage-count.ts).
  db.exec(`
    CREATE TABLE IF NOT EXISTS watermark (key TEXT NOT NULL, value INTEGER NOT NULL);
    INSERT INTO watermark (key, value)
      SELECT 'acked_up_to', coalesce((SELECT min(seq) - 1 FROM records), (SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0)
      WHERE NOT EXISTS (SELECT 1 FROM watermark WHERE key = 'acked_up_to');
  `);
  const columns = (db.pragma('table_info(records)') as { name: string }[]).map((c) => c.name).join(',');
  if (columns !== 'seq,appended_at_ms,bytes,checksum,record')
    throw new SpillFileError(`the records table has unexpected columns (${columns})`);
}
