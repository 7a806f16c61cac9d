import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../../agent/store/embedded-postgres.ts';
import { findServerProcesses } from '../../../agent/store/leftover-server.ts';
import { quietLogger } from '../../support/database.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDataDir(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'faultline-embedded-'));
  await chmod(root, 0o755); // as root the server runs as `postgres` and must enter this dir
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  return path.join(root, 'data');
}

/** fsync off keeps these tests fast; the crash test turns it back on, as in production. */
async function start(dataDir: string, options: { fsync?: boolean } = {}): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres({ logger: quietLogger(), dataDir, fsync: options.fsync ?? false });
  cleanups.push(() => server.stop());
  return server;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function waitUntilGone(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
  throw new Error(`process ${pid} did not exit`);
}

describe('startEmbeddedPostgres', () => {
  it('initialises a cluster with the faultline database and reuses its data on the next start', async () => {
    const dataDir = await tempDataDir();
    const first = await start(dataDir);
    expect(first.isNewCluster).toBe(true);
    expect(first.url).toMatch(/^postgres:\/\/faultline:faultline@127\.0\.0\.1:\d+\/faultline$/);
    await query(first.url, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('survives a restart')");
    await first.stop();

    const second = await start(dataDir);
    expect(second.isNewCluster).toBe(false);
    expect(await query(second.url, 'SELECT note FROM kept')).toEqual([{ note: 'survives a restart' }]);
  });

  it('stops its server and leaves no process behind, even when stop is called twice', async () => {
    const dataDir = await tempDataDir();
    const server = await start(dataDir);
    await Promise.all([server.stop(), server.stop()]);
    expect(await findServerProcesses(dataDir)).toEqual([]);
  });

  it('starts again after its server was SIGKILLed and left a stale postmaster.pid', async () => {
    const dataDir = await tempDataDir();
    const crashed = await start(dataDir, { fsync: true });
    await query(crashed.url, 'CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)');
    process.kill(crashed.pid, 'SIGKILL');
    await waitUntilGone(crashed.pid);
    await expect(stat(path.join(dataDir, 'postmaster.pid'))).resolves.toBeTruthy();

    const restarted = await start(dataDir, { fsync: true });
    expect(await query(restarted.url, 'SELECT id FROM kept')).toEqual([{ id: 1 }]);
  });

  it('stops an orphaned server left by an agent that was SIGKILLed, then starts its own', async () => {
    const dataDir = await tempDataDir();
    const fixture = path.join(import.meta.dirname, 'fixtures', 'start-and-die.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture, dataDir]).catch(
      (err: { stdout: string; signal?: string }) => {
        if (err.signal !== 'SIGKILL') throw err;
        return err; // the fixture kills itself once its server is up
      },
    );
    const orphanPid = Number(stdout.trim());
    expect(orphanPid).toBeGreaterThan(0);
    process.kill(orphanPid, 0); // the orphan is still running

    const server = await start(dataDir);
    expect(server.pid).not.toBe(orphanPid);
    await waitUntilGone(orphanPid);
    expect(await query(server.url, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('refuses a data dir whose server belongs to a live agent', async () => {
    const dataDir = await tempDataDir();
    await start(dataDir);
    await expect(startEmbeddedPostgres({ logger: quietLogger(), dataDir, fsync: false })).rejects.toMatchObject({
      code: 'FL_PG_DATA_DIR_IN_USE',
      message: expect.stringContaining(`The PostgreSQL data dir ${dataDir} is in use`),
    });
  });

  it('reports a busy port by number and leaves no server running', async () => {
    const dataDir = await tempDataDir();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as net.AddressInfo).port;

    const error = await startEmbeddedPostgres({ logger: quietLogger(), dataDir, port, fsync: false }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'FL_PG_PORT_IN_USE', port });
    expect((error as Error).message).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect((error as Error).message).toContain('choose another port');
    expect(await findServerProcesses(dataDir)).toEqual([]);
  });

  it('refuses a data dir owned by another user and says how to fix it', async () => {
    const isRoot = process.getuid?.() === 0;
    // As root the server runs as `postgres`, so a dir owned by `nobody` is foreign; as any other
    // user, a root-owned directory such as / is.
    let dataDir = '/';
    if (isRoot) {
      dataDir = await tempDataDir();
      await mkdir(dataDir);
      await writeFile(path.join(dataDir, 'PG_VERSION'), '18\n');
      await chown(dataDir, 65534, 65534);
    }
    const error = await startEmbeddedPostgres({ logger: quietLogger(), dataDir, fsync: false }).catch((err: unknown) => err);
    expect(error).toMatchObject({ code: 'FL_PG_DATA_DIR_OWNERSHIP', dataDir });
    expect((error as Error).message).toMatch(/is owned by uid \d+, but the server runs as .*chown -R/);
  });
});
