// Opening the spill file: checked (integrity, layout), moved aside when unusable, and its
// statements prepared. A fresh file can continue the sequence numbers of the one it replaces.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { quarantineFile, type Quarantined } from './quarantine.ts';
import { logDropsCommits } from './salvage-count.ts';
import { isDiskFull } from './spill-errors.ts';
import { createSpillSchema, SpillFileError } from './spill-schema.ts';

export interface SpillFileOptions {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
  logger: Logger;
}

export interface RawRow {
  seq: number;
  appended_at_ms: number;
  checksum: number;
  record: unknown;
}

export type SpillStatements = ReturnType<typeof prepareStatements>;

export function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare('INSERT INTO records (appended_at_ms, bytes, checksum, record) VALUES (?, ?, ?, ?)'),
    readAfter: db.prepare('SELECT seq, appended_at_ms, checksum, record FROM records WHERE seq > ? ORDER BY seq LIMIT ?'),
    remove: db.prepare('DELETE FROM records WHERE seq = ?'),
    removeUpTo: db.prepare('DELETE FROM records WHERE seq <= ?'),
    markAcked: db.prepare("UPDATE watermark SET value = max(value, ?) WHERE key = 'acked_up_to'"),
    totalsUpTo: db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM records WHERE seq <= ?'),
    keepCorrupt: db.prepare(
      'INSERT OR REPLACE INTO corrupt_records (seq, appended_at_ms, checksum, record, found_at_ms) VALUES (?, ?, ?, ?, ?)',
    ),
    totals: db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM records'),
    oldest: db.prepare('SELECT appended_at_ms FROM records ORDER BY seq LIMIT 1'),
  };
}

/** The highest seq this file ever handed out (AUTOINCREMENT keeps it in sqlite_sequence). */
export function lastSeq(db: Database.Database): number {
  const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'records'").get() as { seq: number } | undefined;
  return row?.seq ?? 0;
}

/** Makes the next seq of a fresh file come after `seq` (and everything up to it count as acknowledged there). */
export function continueSeq(db: Database.Database, seq: number): void {
  if (seq <= lastSeq(db)) return;
  db.transaction(() => {
    const updated = db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'records'").run(seq);
    if (updated.changes === 0) db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('records', ?)").run(seq);
    db.prepare("UPDATE watermark SET value = max(value, ?) WHERE key = 'acked_up_to'").run(seq);
  })();
}

export function openOrQuarantine(options: SpillFileOptions): { db: Database.Database; quarantined: Quarantined | null } {
  let db: Database.Database;
  try {
    // Read before SQLite opens the file: it replays the log, silently forgets the commits past a
    // damaged frame, and then rewrites it.
    if (existsSync(options.path) && logDropsCommits(options.path)) throw new SpillFileError('its write-ahead log is damaged');
    db = openChecked(options);
  } catch (err) {
    if (!existsSync(options.path) || !isQuarantinable(err, options.path)) {
      throw new Error(`Cannot open the spill buffer ${options.path}: ${(err as Error).message}. Check the path and its permissions.`, {
        cause: err,
      });
    }
    const quarantined = quarantineFile(options.path);
    options.logger.error(
      { err, path: options.path, quarantinedAs: quarantined.path, lostRecords: quarantined.lostRecords },
      `The spill buffer file could not be used; it was moved to ${quarantined.path} and a fresh one started. ` +
        `${quarantined.lostRecords === null ? 'An unknown number of' : quarantined.lostRecords} undelivered records are counted as lost; ` +
        'inspect or salvage the moved file with sqlite3 (".recover"), then delete it.',
    );
    return { db: openChecked(options), quarantined };
  }
  return { db, quarantined: null };
}

/** Lock and permission problems are the operator's to fix; moving the file would not help. */
function isQuarantinable(err: unknown, path: string): boolean {
  if (err instanceof SpillFileError) return true;
  if (isDiskFull(err, dirname(path))) return false; // a healthy file on a full disk: room is what it needs
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return !/^(SQLITE_BUSY|SQLITE_LOCKED|SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_PERM|SQLITE_AUTH|SQLITE_FULL|EACCES|EPERM|ENOSPC)/.test(code);
}

export function openChecked(options: SpillFileOptions): Database.Database {
  const db = new Database(options.path);
  try {
    createSpillSchema(db, options.synchronous);
    // The tables may exist and still not be ours to use: a damaged schema page can rename a
    // column, and CREATE TABLE IF NOT EXISTS does not look. Every statement must prepare.
    prepareStatements(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
