// Failure ids still in the postgres exporter's spill file after the agent stopped: acknowledged,
// kept on disk and delivered at the next start, so the soak counts them apart from loss.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { decodeItem } from '../../exporters/postgres/export-item.ts';

export function failureIdsInSpill(path: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(path)) return ids;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    for (const { record } of db.prepare('SELECT record FROM records').iterate() as Iterable<{ record: string }>) {
      const item = decodeItem(record);
      const id = item?.lane === 'events' ? (item.value as { failure_id?: unknown }).failure_id : undefined;
      if (typeof id === 'string') ids.add(id);
    }
  } finally {
    db.close();
  }
  return ids;
}
