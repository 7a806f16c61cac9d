// A server left behind on a data dir by an agent that did not shut down (SIGKILL, OOM, power
// loss). Two shapes: a stale postmaster.pid whose process is gone (or whose PID now belongs to
// something else, which postgres itself would refuse), and an orphaned postmaster that outlived
// its agent. We clear both so the next start just works, but never touch a server whose agent
// is still alive. Processes are found by their working directory: a postmaster and all its
// children chdir into the data dir (Linux /proc; elsewhere postgres's own checks apply).
import { readdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';

/** Written into the data dir next to postmaster.pid: the pid of the agent that spawned the server. */
export const OWNER_FILE = 'faultline-owner.pid';

interface ServerProcess {
  pid: number;
  ppid: number;
}

export async function recordOwner(dataDir: string): Promise<void> {
  await writeFile(path.join(dataDir, OWNER_FILE), `${process.pid}\n`);
}

export async function forgetOwner(dataDir: string): Promise<void> {
  await rm(path.join(dataDir, OWNER_FILE), { force: true });
}

export async function clearLeftoverServer(options: { dataDir: string; logger: Logger; stopTimeoutMs: number }): Promise<void> {
  const { dataDir, logger, stopTimeoutMs } = options;
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let processes = await findServerProcesses(dataDir);

  if (processes.length > 0) {
    const postmasterPid = await readPid(pidFile);
    const postmaster = processes.find((p) => p.pid === postmasterPid);
    if (postmaster) {
      const ownerPid = await readPid(path.join(dataDir, OWNER_FILE));
      if (postmaster.ppid === process.pid || (postmaster.ppid === ownerPid && isAlive(ownerPid))) {
        throw new EmbeddedPostgresError(
          'FL_PG_DATA_DIR_IN_USE',
          `The PostgreSQL data dir ${dataDir} is in use by a running server (pid ${postmaster.pid}) that belongs to a live faultline process (pid ${postmaster.ppid}). ` +
            'Stop that agent first, or give this one its own data dir or a DATABASE_URL.',
          { dataDir },
        );
      }
      logger.warn({ dataDir, pid: postmaster.pid }, 'Stopping an orphaned PostgreSQL server left by an agent that did not shut down.');
      signal(postmaster.pid, 'SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
      processes = await waitForExit(dataDir, stopTimeoutMs);
      if (processes.some((p) => p.pid === postmaster.pid)) {
        signal(postmaster.pid, 'SIGQUIT'); // immediate shutdown; WAL recovery runs at next start
        processes = await waitForExit(dataDir, 5_000);
      }
    }
    // Children of a postmaster that was killed notice its death and exit within moments; any
    // that linger keep the shared memory attached and would make the next postmaster refuse.
    processes = await waitForExit(dataDir, 5_000);
    if (processes.length > 0) {
      logger.warn({ dataDir, pids: processes.map((p) => p.pid) }, 'Killing PostgreSQL processes orphaned by a crashed server.');
      for (const p of processes) signal(p.pid, 'SIGKILL');
      processes = await waitForExit(dataDir, 5_000);
    }
    if (processes.length > 0) {
      throw new EmbeddedPostgresError(
        'FL_PG_DATA_DIR_IN_USE',
        `PostgreSQL processes ${processes.map((p) => p.pid).join(', ')} still run on the data dir ${dataDir} and did not stop. Stop them, then start the agent again.`,
        { dataDir },
      );
    }
  }

  if (await exists(pidFile)) {
    await rm(pidFile, { force: true });
    logger.warn({ dataDir }, 'Removed a stale postmaster.pid left by a server that did not shut down cleanly.');
  }
}

/** PostgreSQL processes whose working directory is this data dir. Empty where /proc is unavailable. */
export async function findServerProcesses(dataDir: string): Promise<ServerProcess[]> {
  if (process.platform !== 'linux') return [];
  const target = await realpath(dataDir).catch(() => undefined);
  if (target === undefined) return []; // no data dir, no server
  const found: ServerProcess[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readlink(`/proc/${entry}/cwd`)) !== target) continue;
      // The postmaster keeps its argv (…/bin/postgres -D …); its children retitle themselves "postgres: …".
      const argv0 = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0')[0] ?? '';
      if (path.basename(argv0) !== 'postgres' && !argv0.startsWith('postgres:')) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      found.push({ pid: Number(entry), ppid });
    } catch {
      // The process exited while we looked, or belongs to a user we cannot inspect: not ours.
    }
  }
  return found;
}

async function waitForExit(dataDir: string, timeoutMs: number): Promise<ServerProcess[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = await findServerProcesses(dataDir);
    if (remaining.length === 0 || Date.now() >= deadline) return remaining;
    await sleep(100);
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(file, 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function exists(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}
