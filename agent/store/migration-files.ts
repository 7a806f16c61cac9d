// Reads the numbered plain-SQL migrations (migrations/NNNN_name.sql) in version order, each with
// the checksum that proves it was not edited after it was applied.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from './migration-error.ts';

export interface MigrationFile {
  version: number;
  name: string;
  /** `migrations/0001_agent_instances.sql`: how messages refer to it. */
  file: string;
  sql: string;
  checksum: string;
}

/** The repository's migrations/ folder. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (cause) {
    throw new MigrationError(
      'FL_MIGRATION_DIR_UNREADABLE',
      `Cannot read the migrations folder ${dir}: ${(cause as Error).message}.`,
      undefined,
      { cause },
    );
  }
  const folder = path.basename(dir);
  const migrations: MigrationFile[] = [];
  for (const entry of entries.filter((e) => e.endsWith('.sql')).sort()) {
    const file = `${folder}/${entry}`;
    const match = FILE_NAME.exec(entry);
    if (!match) {
      throw new MigrationError(
        'FL_MIGRATION_BAD_FILE_NAME',
        `${file}: migration files are named NNNN_lower_snake_name.sql (e.g. 0002_failure_events.sql); rename it.`,
        file,
      );
    }
    const sql = await readFile(path.join(dir, entry), 'utf8');
    const version = Number(match[1]);
    const clash = migrations.find((m) => m.version === version);
    if (clash) {
      throw new MigrationError(
        'FL_MIGRATION_DUPLICATE_VERSION',
        `${file} and ${clash.file} both claim version ${version}; give the newer one the next free number.`,
        file,
      );
    }
    migrations.push({ version, name: match[2] ?? '', file, sql, checksum: checksumOf(sql) });
  }
  return migrations.sort((a, b) => a.version - b.version);
}

/** sha256 of the text with line endings normalised, so a CRLF checkout is not an "edit". */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}
