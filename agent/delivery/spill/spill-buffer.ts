// A durable FIFO of strings on SQLite (better-sqlite3, WAL): what an exporter cannot deliver now
// waits here, across restarts, until it can. Generic on purpose: records are opaque text (usually
// JSON), so the postgres exporter and the alert exporters share it. Each record carries a CRC-32;
// a record that fails it is moved aside and counted, and a file SQLite cannot use is quarantined:
// a damaged buffer costs the records in it, never a crash loop that stops intake for good.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { quarantineFile, type Quarantined } from './quarantine.ts';
import { recordChecksum } from './record-checksum.ts';
import { isCorruption, isDiskFull, SpillBufferFullError, SpillDiskFullError } from './spill-errors.ts';
import { continueSeq, lastSeq, openChecked, openOrQuarantine, prepareStatements, type RawRow, type SpillStatements } from './spill-file.ts';

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
  /** Records lost since this buffer was opened: failed checksums and quarantined files (at most what they held). */
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
  /**
   * null until the file opens: after a quarantine whose fresh file could not be created yet, or
   * when the disk was full at start (SQLite could not create the WAL index); the next call that
   * needs the file tries again, so a full disk delays the buffer instead of failing the start.
   */
  let db: Database.Database | null = null;
  let statements: SpillStatements | null = null;
  let quarantined: Quarantined | null = null;
  let records = 0;
  let bytes = 0;
  let highestSeq = 0;
  let lostRecords = 0;
  let closed = false;

  const recount = () => {
    const row = statements!.totals.get() as { n: number; b: number };
    records = row.n;
    bytes = row.b;
  };
  /** The first open, with the checks and quarantine of a file found on disk; statements stay null until it succeeds. */
  const openFound = (): Database.Database => {
    const opened = openOrQuarantine(options);
    quarantined = opened.quarantined;
    lostRecords += opened.quarantined?.lostRecords ?? 0;
    highestSeq = Math.max(highestSeq, lastSeq(opened.db));
    statements = prepareStatements(opened.db);
    db = opened.db;
    recount();
    if (records > 0) logger.info({ path, records, bytes }, 'Spill buffer holds records from an earlier run; they will be delivered first.');
    return opened.db;
  };
  /** A full disk under the file; openOrQuarantine says which file it could not open and its cause says why. */
  const diskFull = (err: unknown) => isDiskFull(err, dirname(path)) || isDiskFull((err as Error | null)?.cause, dirname(path));
  try {
    openFound();
  } catch (err) {
    if (!diskFull(err)) throw err;
    logger.error(
      { err, path },
      'The disk holding the spill buffer is full, so the buffer cannot open; the agent runs without it and opens it once there is room ' +
        '(records it holds from an earlier run are delivered then). Free space on that volume or move the buffer (path).',
    );
  }

  /** The open file's statements: only called once handle() has opened it. */
  const stmts = (): SpillStatements => statements!;

  const handle = (): Database.Database => {
    if (db) return db;
    // Never opened (the disk was full at start): the file found there gets its checks first.
    if (statements === null) return openFound();
    const fresh = openChecked(options);
    // A drain may still hold a chunk of the file that was moved aside and acks it by seq: the
    // fresh file numbers on from there, so that ack cannot remove records appended since.
    continueSeq(fresh, highestSeq);
    db = fresh;
    statements = prepareStatements(fresh);
    recount();
    return fresh;
  };

  // A file that turns out corrupt while running is handled like one found at start: aside, fresh
  // file, loss counted. Only the records it held are lost, and they are counted: this buffer's own
  // tally of them, which is exact (the moved file may no longer say).
  const recover = (err: unknown) => {
    const held = records;
    try {
      db?.close();
    } catch {
      // the handle is on a broken file; closing it is best effort
    }
    db = null;
    const q = quarantineFile(path);
    lostRecords += held;
    records = 0;
    bytes = 0;
    logger.error(
      { err, path, quarantinedAs: q.path, lostRecords: held },
      'The spill buffer file became unreadable; it was moved aside and a fresh one started. Its records are counted as lost; inspect the moved file with sqlite3 if they matter.',
    );
    handle(); // may fail (a full disk); then the next call tries again
  };
  const guarded = <T>(fn: (db: Database.Database) => T): T => {
    if (closed) throw new Error(`The spill buffer ${path} is closed.`);
    try {
      return fn(handle());
    } catch (err) {
      if (!isCorruption(err)) throw err;
      recover(err);
      return fn(handle());
    }
  };

  const insertAll = (db: Database.Database, texts: readonly string[], appendedAtMs: number, sizes: number[]) => {
    db.transaction(() => {
      for (let i = 0; i < texts.length; i++) {
        const row = stmts().insert.run(appendedAtMs, sizes[i], recordChecksum(texts[i], appendedAtMs), texts[i]);
        highestSeq = Math.max(highestSeq, Number(row.lastInsertRowid));
      }
    })();
  };

  const moveAside = (db: Database.Database, bad: RawRow[]) => {
    const foundAtMs = Date.now(); // wall clock: this is storage bookkeeping, not detection logic
    db.transaction(() => {
      for (const row of bad) {
        stmts().keepCorrupt.run(row.seq, row.appended_at_ms, row.checksum, row.record, foundAtMs);
        stmts().remove.run(row.seq);
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
      try {
        guarded((db) => {
          if (bytes + needed > maxBytes) throw new SpillBufferFullError(path, bytes, needed, maxBytes);
          insertAll(db, texts, appendedAtMs, sizes);
          records += texts.length;
          bytes += needed;
        });
      } catch (err) {
        // Also when the fresh file after a quarantine cannot be created: the disk has no room.
        if (diskFull(err)) throw new SpillDiskFullError(path, { cause: err });
        throw err;
      }
    },
    peek(limit) {
      return guarded((db) => {
        const out: SpillRecord[] = [];
        let after = 0;
        while (out.length < limit) {
          const want = limit - out.length;
          const rows = stmts().readAfter.all(after, want) as RawRow[];
          const bad: RawRow[] = [];
          for (const row of rows) {
            const ok = typeof row.record === 'string' && recordChecksum(row.record, row.appended_at_ms) === row.checksum;
            if (ok) out.push({ seq: row.seq, record: row.record as string, appendedAtMs: row.appended_at_ms });
            else bad.push(row);
          }
          if (bad.length > 0) moveAside(db, bad);
          if (rows.length < want) break;
          after = rows[rows.length - 1].seq;
        }
        return out;
      });
    },
    ack(upToSeq) {
      guarded((db) => {
        // Count what goes from the seq range (index lookup), not what stays (a full scan per ack).
        const gone = db.transaction(() => {
          const row = stmts().totalsUpTo.get(upToSeq) as { n: number; b: number };
          stmts().removeUpTo.run(upToSeq);
          stmts().markAcked.run(upToSeq);
          return row;
        })();
        records -= gone.n;
        bytes -= gone.b;
        // Give the space back once drained, so a long outage does not leave a huge file behind.
        // Best effort: the ack has committed, so a full disk here must not make it look failed
        // (the caller would deliver the chunk again); the space is given back after a later ack.
        if (records === 0) {
          try {
            db.pragma('incremental_vacuum');
            db.pragma('wal_checkpoint(TRUNCATE)');
          } catch (err) {
            if (isCorruption(err)) throw err;
          }
        }
      });
    },
    stats() {
      let oldest: { appended_at_ms: number } | undefined;
      // Read by health checks and metric scrapes, which must answer whatever the file's state:
      // a failure to read the age leaves it unknown; appends and reads report the failure.
      if (!closed && db) {
        try {
          oldest = guarded(() => stmts().oldest.get() as { appended_at_ms: number } | undefined);
        } catch {
          oldest = undefined;
        }
      }
      return { records, bytes, oldestAppendedAtMs: oldest?.appended_at_ms ?? null, lostRecords };
    },
    close() {
      if (closed) return;
      closed = true;
      db?.close();
    },
  };
  return { buffer, quarantined };
}
