// Moving an unusable buffer file aside: `<path>` (and its -wal/-shm) become `<path>.corrupt-<n>`
// with the first free n, so an operator can inspect it and the agent starts on a fresh file
// instead of crash-looping. Counts the records it held even when SQLite cannot read it (an upper
// bound: a record is never lost uncounted).
import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import { salvageRecordCount } from './salvage-count.ts';

export interface Quarantined {
  /** Where the unusable file now is. */
  path: string;
  /** Records it held (at most this many); null only when the file could not be read at all. */
  lostRecords: number | null;
}

export function quarantineFile(path: string): Quarantined {
  let n = 1;
  while (existsSync(`${path}.corrupt-${n}`)) n++;
  const target = `${path}.corrupt-${n}`;
  renameSync(path, target);
  // The WAL belongs to the file it was written for; moved together, they stay a readable pair.
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  return { path: target, lostRecords: heldRecords(target) };
}

/** SQLite's count can miss rows under a broken b-tree, the page scan can see stale copies: the larger. */
function heldRecords(path: string): number | null {
  const readable = countReadable(path);
  let salvaged: number | null = null;
  try {
    salvaged = salvageRecordCount(path);
  } catch {
    salvaged = null; // the file cannot even be read as bytes
  }
  return readable === null && salvaged === null ? null : Math.max(readable ?? 0, salvaged ?? 0);
}

function countReadable(path: string): number | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const row = db.prepare('SELECT count(*) AS n FROM records').get() as { n: number };
    return row.n;
  } catch {
    return null; // unreadable is exactly why it was quarantined; "unknown" is the honest answer
  } finally {
    try {
      db?.close();
    } catch {
      // closing a broken handle can fail too; the file is already aside
    }
  }
}
