// vitest globalSetup: gives the suite a real PostgreSQL. With DATABASE_URL set, tests use that
// server; otherwise this starts the bundled PostgreSQL in a fresh temp data dir on a free port
// and stops it at teardown. Test files read the URL with inject('databaseUrl') (see
// test/support/database.ts). If no database can be had, the run fails here: tests never skip.
import { mkdtemp, readdir, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../agent/core/logger.ts';
import { startEmbeddedPostgres } from '../../agent/store/embedded-postgres.ts';
import { clearLeftoverServer } from '../../agent/store/leftover-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

const TEMP_PREFIX = 'faultline-test-pg-';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.DATABASE_URL;
  if (given) {
    project.provide('databaseUrl', given);
    return undefined;
  }

  const logger = createLogger(process.env.FAULTLINE_TEST_LOG_LEVEL ?? 'warn');
  await sweepAbandonedRuns(logger);
  // The pid in the name lets a later run tell an abandoned dir (its vitest is gone) from a live one.
  const root = await mkdtemp(path.join(tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
  await chmod(root, 0o755); // when we are root the server runs as `postgres` and must enter this dir
  try {
    const server = await startEmbeddedPostgres({ logger, dataDir: path.join(root, 'data'), port: 0, fsync: false });
    project.provide('databaseUrl', server.url);
    process.env.DATABASE_URL = server.url;
    return async () => {
      await server.stop();
      await rm(root, { recursive: true, force: true });
    };
  } catch (cause) {
    await rm(root, { recursive: true, force: true });
    throw new Error(
      `The test suite needs PostgreSQL. DATABASE_URL is unset and the bundled PostgreSQL did not start: ${(cause as Error).message}\n` +
        'Fix the problem above, or set DATABASE_URL to a server the tests may create schemas in.',
      { cause },
    );
  }
}

/** Stops servers and removes data dirs left by runs that were killed before their teardown. */
async function sweepAbandonedRuns(logger: ReturnType<typeof createLogger>): Promise<void> {
  for (const entry of await readdir(tmpdir())) {
    const pid = Number(entry.slice(TEMP_PREFIX.length).split('-')[0]);
    if (!entry.startsWith(TEMP_PREFIX) || !Number.isInteger(pid) || isAlive(pid)) continue;
    const root = path.join(tmpdir(), entry);
    try {
      await clearLeftoverServer({ dataDir: path.join(root, 'data'), logger, stopTimeoutMs: 5_000 });
      await rm(root, { recursive: true, force: true });
    } catch (err) {
      logger.warn({ err, dir: root }, 'Could not clean up a test database left by an earlier run.');
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
