// A durable FIFO of strings on SQLite (better-sqlite3, WAL): what an exporter cannot deliver now
// waits here, across restarts, until it can. Generic on purpose: records are opaque text (usually
// JSON), so the postgres exporter and the alert exporters share it. Each record carries a CRC-32;
// a record that fails it is moved aside and counted, and a file SQLite cannot use is quarantined:
// a damaged buffer costs the records in it, never a crash loop that stops intake for good.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { quarantineFile, type Quarantined } from './quarantine.ts';
import { recordChecksum } from './record-checksum.ts';
import { isCorruption, isDiskFull, SpillBufferFullError, SpillDiskFullError } from './spill-errors.ts';
import { createSpillSchema, SpillFileError } from './spill-schema.ts';

export interface SpillBufferOptions {
  path: string;
  /** Cap on the records' bytes (text + a fixed per-record overhead); an append past it is refused. */
  maxBytes: number;
  /** FULL: a committed append survives power loss. NORMAL: survives a process crash only. */
  synchronous: 'FULL' | 'NORMAL';
  logger: Logger;
}

export interface SpillRecord {
  seq: number;
  record: string;
  appendedAtMs: number;
}

export interface SpillStats {
  records: number;
  bytes: number;
  oldestAppendedAtMs: number | null;
  /** Records lost since this buffer was opened: failed checksums and quarantined files (when countable). */
  lostRecords: number;
}

export interface SpillBuffer {
  readonly path: string;
  /** Appends all records in one transaction, or none (SpillBufferFullError, SpillDiskFullError). */
  append(records: readonly string[], appendedAtMs: number): void;
  /** Up to `limit` records, oldest first. Records failing their checksum are moved aside, never returned. */
  peek(limit: number): SpillRecord[];
  /** Removes every record with seq ≤ upToSeq. */
  ack(upToSeq: number): void;
  stats(): SpillStats;
  /** Safe to call twice. */
  close(): void;
}

export interface OpenedSpillBuffer {
  buffer: SpillBuffer;
  /** Set when the file found at `path` could not be used and was moved aside. */
  quarantined: Quarantined | null;
}

/** What each record costs beyond its text: row header, seq, time, checksum, index entry. */
export const RECORD_OVERHEAD_BYTES = 40;

export function openSpillBuffer(options: SpillBufferOptions): OpenedSpillBuffer {
  const { path, maxBytes, logger } = options;
  mkdirSync(dirname(path), { recursive: true });
  const opened = openOrQuarantine(options);
  let db = opened.db;
  let statements = prepare(db);
  let records = 0;
  let bytes = 0;
  let lostRecords = opened.quarantined?.lostRecords ?? 0;
  let closed = false;

  const recount = () => {
    const row = statements.totals.get() as { n: number; b: number };
    records = row.n;
    bytes = row.b;
  };
  recount();
  if (records > 0) logger.info({ path, records, bytes }, 'Spill buffer holds records from an earlier run; they will be delivered first.');

  // A file that turns out corrupt while running is handled like one found at start: aside, fresh
  // file, loss counted. Only the records it held are lost, and they are counted.
  const recover = (err: unknown) => {
    const held = records;
    try {
      db.close();
    } catch {
      // the handle is on a broken file; closing it is best effort
    }
    const q = quarantineFile(path);
    db = openChecked(options);
    statements = prepare(db);
    recount();
    lostRecords += q.lostRecords ?? held;
    logger.error(
      { err, path, quarantinedAs: q.path, lostRecords: q.lostRecords ?? held },
      'The spill buffer file became unreadable; it was moved aside and a fresh one started. Its records are counted as lost; inspect the moved file with sqlite3 if they matter.',
    );
  };
  const guarded = <T>(fn: () => T): T => {
    if (closed) throw new Error(`The spill buffer ${path} is closed.`);
    try {
      return fn();
    } catch (err) {
      if (!isCorruption(err)) throw err;
      recover(err);
      return fn();
    }
  };

  const insertAll = (texts: readonly string[], appendedAtMs: number, sizes: number[]) => {
    db.transaction(() => {
      for (let i = 0; i < texts.length; i++)
        statements.insert.run(appendedAtMs, sizes[i], recordChecksum(texts[i], appendedAtMs), texts[i]);
    })();
  };

  const moveAside = (bad: RawRow[]) => {
    const foundAtMs = Date.now(); // wall clock: this is storage bookkeeping, not detection logic
    db.transaction(() => {
      for (const row of bad) {
        statements.keepCorrupt.run(row.seq, row.appended_at_ms, row.checksum, row.record, foundAtMs);
        statements.remove.run(row.seq);
      }
    })();
    recount();
    lostRecords += bad.length;
    logger.error(
      { path, lostRecords: bad.length, seqs: bad.map((r) => r.seq) },
      'Spill buffer records failed their checksum and were moved to its corrupt_records table; they are counted as lost. The disk may be failing: check it.',
    );
  };

  const buffer: SpillBuffer = {
    path,
    append(texts, appendedAtMs) {
      if (texts.length === 0) return;
      const sizes = texts.map((t) => Buffer.byteLength(t) + RECORD_OVERHEAD_BYTES);
      const needed = sizes.reduce((a, b) => a + b, 0);
      guarded(() => {
        if (bytes + needed > maxBytes) throw new SpillBufferFullError(path, bytes, needed, maxBytes);
        try {
          insertAll(texts, appendedAtMs, sizes);
        } catch (err) {
          if (isDiskFull(err)) throw new SpillDiskFullError(path, { cause: err });
          throw err;
        }
        records += texts.length;
        bytes += needed;
      });
    },
    peek(limit) {
      return guarded(() => {
        const out: SpillRecord[] = [];
        let after = 0;
        while (out.length < limit) {
          const want = limit - out.length;
          const rows = statements.readAfter.all(after, want) as RawRow[];
          const bad: RawRow[] = [];
          for (const row of rows) {
            const ok = typeof row.record === 'string' && recordChecksum(row.record, row.appended_at_ms) === row.checksum;
            if (ok) out.push({ seq: row.seq, record: row.record as string, appendedAtMs: row.appended_at_ms });
            else bad.push(row);
          }
          if (bad.length > 0) moveAside(bad);
          if (rows.length < want) break;
          after = rows[rows.length - 1].seq;
        }
        return out;
      });
    },
    ack(upToSeq) {
      guarded(() => {
        // Count what goes from the seq range (index lookup), not what stays (a full scan per ack).
        const gone = db.transaction(() => {
          const row = statements.totalsUpTo.get(upToSeq) as { n: number; b: number };
          statements.removeUpTo.run(upToSeq);
          return row;
        })();
        records -= gone.n;
        bytes -= gone.b;
        // Give the space back once drained, so a long outage does not leave a huge file behind.
        if (records === 0) {
          db.pragma('incremental_vacuum');
          db.pragma('wal_checkpoint(TRUNCATE)');
        }
      });
    },
    stats() {
      if (closed) return { records, bytes, oldestAppendedAtMs: null, lostRecords };
      const oldest = guarded(() => statements.oldest.get() as { appended_at_ms: number } | undefined);
      return { records, bytes, oldestAppendedAtMs: oldest?.appended_at_ms ?? null, lostRecords };
    },
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
  return { buffer, quarantined: opened.quarantined };
}

interface RawRow {
  seq: number;
  appended_at_ms: number;
  checksum: number;
  record: unknown;
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare('INSERT INTO records (appended_at_ms, bytes, checksum, record) VALUES (?, ?, ?, ?)'),
    readAfter: db.prepare('SELECT seq, appended_at_ms, checksum, record FROM records WHERE seq > ? ORDER BY seq LIMIT ?'),
    remove: db.prepare('DELETE FROM records WHERE seq = ?'),
    removeUpTo: db.prepare('DELETE FROM records WHERE seq <= ?'),
    totalsUpTo: db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM records WHERE seq <= ?'),
    keepCorrupt: db.prepare(
      'INSERT OR REPLACE INTO corrupt_records (seq, appended_at_ms, checksum, record, found_at_ms) VALUES (?, ?, ?, ?, ?)',
    ),
    totals: db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM records'),
    oldest: db.prepare('SELECT appended_at_ms FROM records ORDER BY seq LIMIT 1'),
  };
}

function openOrQuarantine(options: SpillBufferOptions): { db: Database.Database; quarantined: Quarantined | null } {
  try {
    return { db: openChecked(options), quarantined: null };
  } catch (err) {
    if (!existsSync(options.path) || !isQuarantinable(err)) {
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
}

/** Lock and permission problems are the operator's to fix; moving the file would not help. */
function isQuarantinable(err: unknown): boolean {
  if (err instanceof SpillFileError) return true;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return !/^(SQLITE_BUSY|SQLITE_LOCKED|SQLITE_CANTOPEN|SQLITE_READONLY|SQLITE_PERM|SQLITE_AUTH|SQLITE_FULL|EACCES|EPERM|ENOSPC)/.test(code);
}

function openChecked(options: SpillBufferOptions): Database.Database {
  const db = new Database(options.path);
  try {
    createSpillSchema(db, options.synchronous);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
