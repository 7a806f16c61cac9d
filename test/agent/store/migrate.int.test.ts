import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../agent/store/database.ts';
import { checksumOf, DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from '../../../agent/store/migration-files.ts';
import { migrate } from '../../../agent/store/migrate.ts';
import { MigrationError } from '../../../agent/store/migration-error.ts';
import { createTestSchema, quietLogger, testDatabaseUrl, withTestSchema, type TestSchema } from '../../support/database.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A throwaway migrations/ folder holding the given files, plus an empty schema to migrate. */
async function arrange(files: Record<string, string>): Promise<{ dir: string; target: TestSchema; run(): Promise<number[]> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'faultline-migrations-'));
  const dir = path.join(root, 'migrations');
  await mkdir(dir);
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  const target = await createTestSchema({ migrate: false });
  cleanups.push(
    () => rm(root, { recursive: true, force: true }),
    () => target.drop(),
  );
  return { dir, target, run: () => migrate({ pool: target.pool, logger: quietLogger(), schema: target.schema, migrationsDir: dir }) };
}

async function tablesIn(target: Pick<TestSchema, 'pool' | 'schema'>): Promise<string[]> {
  const { rows } = await target.pool.query<{ name: string }>(
    // Tables as users name them: a partitioned table once, not each of its day partitions.
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    [target.schema],
  );
  return rows.map((r) => r.name);
}

describe('migrate with the repository migrations', () => {
  const db = withTestSchema();

  it('applies every migration once and records its version, name and checksum', async () => {
    const files = await readMigrationFiles(DEFAULT_MIGRATIONS_DIR);
    expect(db.appliedVersions).toEqual(files.map((f) => f.version));
    expect(db.appliedVersions).toContain(7);
    const { rows } = await db.pool.query('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version');
    expect(rows).toHaveLength(files.length);
    expect(rows[0]).toMatchObject({ version: 1, name: 'agent_instances' });
    expect(rows[1]).toMatchObject({ version: 2, name: 'failure_store' });
    expect(rows[2]).toMatchObject({ version: 3, name: 'baselines' });
    expect(rows[3]).toMatchObject({ version: 4, name: 'correlation' });
    expect(rows[4]).toMatchObject({ version: 5, name: 'impact_and_slos' });
    expect(rows[5]).toMatchObject({ version: 6, name: 'prediction_scoring' });
    expect(rows.find((r) => r.version === 7)).toMatchObject({ name: 'fleet_leases_and_partitions' });
    expect(rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].applied_at).toBeInstanceOf(Date);
  });

  it('creates the failure store tables', async () => {
    // Later migrations add tables of their own; these are the ones up to the fleet's.
    expect(await tablesIn(db)).toEqual(
      expect.arrayContaining([
        'agent_instances',
        'baseline_profiles',
        'correlation_clusters',
        'correlation_edges',
        'correlation_members',
        'dead_letters',
        'failure_events',
        'failure_impacts',
        'failure_predictions',
        'fleet_cursors',
        'incident_events',
        'incident_transitions',
        'incidents',
        'leases',
        'notification_log',
        'prediction_actions',
        'provider_baselines',
        'schema_migrations',
        'slo_buckets',
        'slo_status',
      ]),
    );
  });

  it('applies nothing when run again', async () => {
    await expect(migrate({ pool: db.pool, logger: quietLogger(), schema: db.schema })).resolves.toEqual([]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe((await readMigrationFiles(DEFAULT_MIGRATIONS_DIR)).length);
  });
});

describe('migrate', () => {
  it('applies only the migrations added since the last run, in version order', async () => {
    const { dir, target, run } = await arrange({ '0001_first.sql': 'CREATE TABLE first (id int);' });
    expect(await run()).toEqual([1]);
    await writeFile(path.join(dir, '0010_tenth.sql'), 'CREATE TABLE tenth (first_id int);');
    await writeFile(path.join(dir, '0002_second.sql'), 'CREATE TABLE second (id int);');
    expect(await run()).toEqual([2, 10]);
    expect(await tablesIn(target)).toEqual(['first', 'schema_migrations', 'second', 'tenth']);
  });

  it('refuses to run when an applied migration was edited, naming the file', async () => {
    const { dir, run } = await arrange({ '0001_first.sql': 'CREATE TABLE first (id int);' });
    await run();
    await writeFile(path.join(dir, '0001_first.sql'), 'CREATE TABLE first (id bigint);');
    const error = await run().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'FL_MIGRATION_EDITED', file: 'migrations/0001_first.sql' });
    expect((error as Error).message).toMatch(/migrations\/0001_first\.sql was edited after it was applied.*never edited once landed/);
  });

  it('refuses to run when an applied migration was renamed', async () => {
    const { dir, run } = await arrange({ '0001_first.sql': 'CREATE TABLE first (id int);' });
    await run();
    await rm(path.join(dir, '0001_first.sql'));
    await writeFile(path.join(dir, '0001_renamed.sql'), 'CREATE TABLE first (id int);');
    await expect(run()).rejects.toMatchObject({ code: 'FL_MIGRATION_EDITED' });
  });

  it('does not count line-ending changes as an edit', () => {
    expect(checksumOf('CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n')).toBe(
      checksumOf('CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n'),
    );
  });

  it("rolls back a failing migration, records nothing, and names the file and line with PostgreSQL's message", async () => {
    const { target, run } = await arrange({
      '0001_first.sql': 'CREATE TABLE first (id int);',
      '0002_broken.sql': 'CREATE TABLE half_done (id int);\nINSERT INTO half_done SELECT id FROM no_such_table;\n',
    });
    const error = await run().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code: 'FL_MIGRATION_FAILED', file: 'migrations/0002_broken.sql' });
    expect((error as Error).message).toContain('migrations/0002_broken.sql failed at line 2 and was rolled back');
    expect((error as Error).message).toContain('relation "no_such_table" does not exist');
    expect((error as Error).cause).toMatchObject({ code: '42P01' });
    expect(await tablesIn(target)).toEqual(['first', 'schema_migrations']);
    const { rows } = await target.pool.query('SELECT version FROM schema_migrations');
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('lets only one of two concurrent migrators apply each migration', async () => {
    const { dir, target } = await arrange({
      '0001_slow.sql': 'SELECT pg_sleep(0.5);\nCREATE TABLE slow (id int);',
      '0002_next.sql': 'CREATE TABLE next_one (id int);',
    });
    // Two agents: separate pools, so separate sessions competing for the advisory lock.
    const agents = [0, 1].map(() => createDatabase({ url: testDatabaseUrl(), logger: quietLogger(), schema: target.schema }));
    cleanups.push(async () => {
      await Promise.all(agents.map((a) => a.close()));
    });
    const results = await Promise.all(
      agents.map((a) => migrate({ pool: a.pool, logger: quietLogger(), schema: target.schema, migrationsDir: dir })),
    );
    expect(results.map((r) => r.join(',')).sort()).toEqual(['', '1,2']);
    const { rows } = await target.pool.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows).toEqual([{ version: 1 }, { version: 2 }]);
  });

  it('gives up waiting for the migration lock after lockTimeoutMs with a clear message', async () => {
    const { dir, target } = await arrange({ '0001_first.sql': 'CREATE TABLE first (id int);' });
    // A slow migrator holds the lock while its migration sleeps.
    await writeFile(path.join(dir, '0002_sleepy.sql'), 'SELECT pg_sleep(1.5);');
    const slow = migrate({ pool: target.pool, logger: quietLogger(), schema: target.schema, migrationsDir: dir });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const error = await migrate({
      pool: target.pool,
      logger: quietLogger(),
      schema: target.schema,
      migrationsDir: dir,
      lockTimeoutMs: 200,
    }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'FL_MIGRATION_LOCK_TIMEOUT' });
    expect((error as Error).message).toContain(`migration lock for schema "${target.schema}"`);
    await expect(slow).resolves.toEqual([1, 2]);
  });

  it('rejects a migration file that does not follow the NNNN_name.sql pattern', async () => {
    const { run } = await arrange({ '0001_first.sql': 'SELECT 1;', '2_Second.sql': 'SELECT 1;' });
    await expect(run()).rejects.toMatchObject({ code: 'FL_MIGRATION_BAD_FILE_NAME', file: 'migrations/2_Second.sql' });
  });
});
