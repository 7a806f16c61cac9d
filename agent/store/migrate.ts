// The migration runner. Applies migrations/NNNN_name.sql in order, each unapplied file in its own
// transaction, recording it in schema_migrations. Several agents share one database and all run
// this at startup, so a transaction-scoped advisory lock (one per target schema) lets exactly one
// of them apply each migration while the others wait and then find it applied. Landed migrations are never edited:
// a changed checksum stops the agent instead of silently diverging from the schema it expects.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { MigrationError } from './migration-error.ts';
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles, type MigrationFile } from './migration-files.ts';

export interface MigrateOptions {
  pool: pg.Pool;
  logger: Logger;
  /** Folder of NNNN_name.sql files. Default: the repository's migrations/. */
  migrationsDir?: string;
  /** Schema to migrate (created if missing, used as search_path). Default: the connection's current schema. */
  schema?: string;
  /** How long to wait for another migrator before giving up. Default 60 s. */
  lockTimeoutMs?: number;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/** Applies every pending migration and returns the versions this call applied (empty when up to date). */
export async function migrate(options: MigrateOptions): Promise<number[]> {
  const { pool, logger, schema } = options;
  const lockTimeoutMs = Math.max(1, Math.floor(options.lockTimeoutMs ?? 60_000));
  const files = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);

  const client = await pool.connect();
  try {
    const target = schema ?? (await currentSchema(client));
    const lockKey = advisoryLockKey(target);
    /**
     * Runs `work` in a transaction holding the migration lock. The lock and the search_path are
     * transaction-scoped, not session state, so migrating works through PgBouncer in transaction
     * mode (where a session lock would stay on whichever server connection took it).
     */
    const locked = async <T>(work: () => Promise<T>): Promise<T> => {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL lock_timeout = ${lockTimeoutMs}`);
        try {
          await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey]);
        } catch (cause) {
          if ((cause as { code?: string }).code !== '55P03') throw cause; // lock_not_available
          throw new MigrationError(
            'FL_MIGRATION_LOCK_TIMEOUT',
            `Another process has held the migration lock for schema "${target}" for more than ${lockTimeoutMs} ms. If no agent is migrating, find the session holding it (pg_locks, locktype 'advisory') and end it.`,
            undefined,
            { cause },
          );
        }
        await client.query('SET LOCAL lock_timeout = 0');
        if (schema !== undefined) {
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
          await client.query(`SET LOCAL search_path TO ${client.escapeIdentifier(schema)}`);
        }
        const out = await work();
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    };

    const applied = await locked(async () => {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      return (await client.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows;
    });
    assertUnedited(files, applied);

    const unknown = applied.filter((row) => !files.some((f) => f.version === row.version));
    if (unknown.length > 0) {
      logger.warn(
        { schema: target, versions: unknown.map((r) => r.version) },
        'The database has migrations this agent does not know; a newer agent applied them.',
      );
    }

    const done: number[] = [];
    for (const migration of files.filter((f) => !applied.some((row) => row.version === f.version))) {
      // Another agent may have applied it while this one waited for the lock: checked under the lock.
      const applies = await locked(async () => {
        const { rowCount } = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
        if (rowCount !== 0) return false;
        await applyOne(client, migration);
        return true;
      });
      if (!applies) continue;
      done.push(migration.version);
      logger.info({ schema: target, version: migration.version, migration: migration.file }, 'Applied migration.');
    }
    logger.info(
      { schema: target, applied: done.length, version: files.at(-1)?.version ?? 0 },
      done.length ? 'Database schema migrated.' : 'Database schema is up to date.',
    );
    return done;
  } finally {
    client.release();
  }
}

function assertUnedited(files: MigrationFile[], applied: AppliedRow[]): void {
  for (const row of applied) {
    const file = files.find((f) => f.version === row.version);
    if (!file) continue;
    if (file.name !== row.name) {
      throw new MigrationError(
        'FL_MIGRATION_EDITED',
        `${file.file}: version ${row.version} was applied as "${row.name}" but the file is now named "${file.name}". Migrations are never edited once landed: restore the original name and put changes in a new migration.`,
        file.file,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        'FL_MIGRATION_EDITED',
        `${file.file} was edited after it was applied (recorded checksum ${row.checksum.slice(0, 12)}…, file now ${file.checksum.slice(0, 12)}…). Migrations are never edited once landed: restore the file and put the change in a new migration.`,
        file.file,
      );
    }
  }
}

/** Runs inside the caller's transaction; a failure rolls back with it. */
async function applyOne(client: pg.PoolClient, migration: MigrationFile): Promise<void> {
  try {
    await client.query(migration.sql);
    await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      migration.checksum,
    ]);
  } catch (cause) {
    const line = lineOf(migration.sql, (cause as { position?: string }).position);
    throw new MigrationError(
      'FL_MIGRATION_FAILED',
      `${migration.file} failed${line ? ` at line ${line}` : ''} and was rolled back, so nothing from it was applied: ${(cause as Error).message}. Fix the migration (or the data it trips over) and start again.`,
      migration.file,
      { cause },
    );
  }
}

async function currentSchema(client: pg.PoolClient): Promise<string> {
  const { rows } = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema;
  if (!schema)
    throw new MigrationError(
      'FL_MIGRATION_FAILED',
      'The connection has no usable schema on its search_path; set search_path or pass a schema to migrate into.',
    );
  return schema;
}

/** A stable 64-bit key per target schema: migrators of different schemas never wait for each other. */
function advisoryLockKey(schema: string): string {
  return createHash('sha256').update(`faultline.migrate:${schema}`).digest().readBigInt64BE(0).toString();
}

/** PostgreSQL reports a 1-based character offset into the statement text. */
function lineOf(sql: string, position: string | undefined): number | undefined {
  const offset = Number(position);
  if (!Number.isInteger(offset) || offset < 1) return undefined;
  return sql.slice(0, offset - 1).split('\n').length;
}
