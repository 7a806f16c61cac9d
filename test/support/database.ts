// Real PostgreSQL for integration tests. Each test file gets its own randomly named schema,
// migrated by the real runner and dropped afterwards, so files run in parallel on one server
// without seeing each other's rows. The server comes from test/support/global-setup.ts.
//
//   const db = withTestSchema();
//   it('stores an agent instance', async () => {
//     await db.pool.query('INSERT INTO agent_instances …');
//   });
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDatabase, type Database } from '../../agent/store/database.ts';
import { migrate } from '../../agent/store/migrate.ts';

export interface TestSchemaOptions {
  /** Run the migrations into the schema (default true). */
  migrate?: boolean;
  /** Migrations folder; default the repository's migrations/. */
  migrationsDir?: string;
  logger?: Logger;
}

export interface TestSchema {
  schema: string;
  /** Pool whose connections have the test schema as search_path. */
  database: Database;
  pool: pg.Pool;
  /** Versions the runner applied when the schema was created. */
  appliedVersions: number[];
  /** Drops the schema and closes the pool; safe to call twice. */
  drop(): Promise<void>;
}

/** The suite's database URL (from DATABASE_URL or the bundled server). */
export function testDatabaseUrl(): string {
  const url = inject('databaseUrl');
  if (!url)
    throw new Error(
      'No test database: test/support/global-setup.ts did not provide databaseUrl. Is it listed as globalSetup in vitest.config.ts?',
    );
  return url;
}

/** A silent logger for store code under test. */
export function quietLogger(): Logger {
  return pino({ level: 'silent' });
}

export function randomSchemaName(): string {
  return `test_${randomBytes(6).toString('hex')}`;
}

export async function createTestSchema(options: TestSchemaOptions = {}): Promise<TestSchema> {
  const url = testDatabaseUrl();
  const logger = options.logger ?? quietLogger();
  const schema = randomSchemaName();
  const database = createDatabase({ url, logger, schema, maxConnections: 5 });
  let appliedVersions: number[] = [];
  try {
    if (options.migrate ?? true) {
      appliedVersions = await migrate({ pool: database.pool, logger, schema, migrationsDir: options.migrationsDir });
    } else {
      await database.pool.query(`CREATE SCHEMA ${schema}`);
    }
  } catch (err) {
    await dropSchema(url, schema);
    await database.close();
    throw err;
  }
  let dropping: Promise<void> | undefined;
  return {
    schema,
    database,
    pool: database.pool,
    appliedVersions,
    drop() {
      dropping ??= database.close().then(() => dropSchema(url, schema));
      return dropping;
    },
  };
}

/** Registers beforeAll/afterAll hooks: a fresh migrated schema for the calling test file. */
export function withTestSchema(options: TestSchemaOptions = {}): Omit<TestSchema, 'drop'> {
  let current: TestSchema | undefined;
  beforeAll(async () => {
    current = await createTestSchema(options);
  });
  afterAll(async () => {
    await current?.drop();
  });
  const ready = (): TestSchema => {
    if (!current) throw new Error('withTestSchema(): the schema exists only inside tests and hooks that run after beforeAll.');
    return current;
  };
  return {
    get schema() {
      return ready().schema;
    },
    get database() {
      return ready().database;
    },
    get pool() {
      return ready().pool;
    },
    get appliedVersions() {
      return ready().appliedVersions;
    },
  };
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * A database of the caller's own on the suite's server (so row counts are only its own), for an
 * agent in another process that runs its migrations itself. `drop` removes it, connections and all.
 */
export async function createOwnDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(testDatabaseUrl());
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
