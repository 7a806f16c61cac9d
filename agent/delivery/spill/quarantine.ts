// Moving an unusable buffer file aside: `<path>` (and its -wal/-shm) become `<path>.corrupt-<n>`
// with the first free n, so an operator can inspect it and the agent starts on a fresh file
// instead of crash-looping. Counts what it can still read, best effort.
import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface Quarantined {
  /** Where the unusable file now is. */
  path: string;
  /** Records it held, when that could still be read; null when unknown. */
  lostRecords: number | null;
}

export function quarantineFile(path: string): Quarantined {
  let n = 1;
  while (existsSync(`${path}.corrupt-${n}`)) n++;
  const target = `${path}.corrupt-${n}`;
  renameSync(path, target);
  // The WAL belongs to the file it was written for; moved together, they stay a readable pair.
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  return { path: target, lostRecords: countReadable(target) };
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
