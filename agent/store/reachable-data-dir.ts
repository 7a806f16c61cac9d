// Where the bundled server's data really lives. When the agent is root the server runs as
// `postgres`; if that account cannot pass through the configured data dir's parents (a clone in a
// mode-700 home or mktemp dir) and no cluster exists there yet, the cluster goes under
// relocate_dir and the configured path becomes a symbolic link to it, so the next start finds the
// same data and `rm -rf data` still starts afresh. An existing cluster is never moved: that case
// keeps the error from prepareDataDir, which says how to let the account in.
import { lstat, mkdir, mkdtemp, readdir, realpath, rmdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import type { PostgresOsUser } from './postgres-os-user.ts';
import { ensureRelocationDir } from './relocation-dir.ts';
import { firstBlockedDir } from './server-user-access.ts';

export async function reachableDataDir(options: {
  dataDir: string;
  user: PostgresOsUser;
  relocateDir: string;
  logger: Logger;
}): Promise<string> {
  const { dataDir, user, relocateDir, logger } = options;
  if (!user.isSwitched) return dataDir;
  const existing = await lstat(dataDir).catch(() => undefined);
  if (existing?.isSymbolicLink()) {
    const target = await realpath(dataDir).catch((cause: unknown) => {
      throw new EmbeddedPostgresError(
        'FL_PG_DATA_DIR_INVALID',
        `The PostgreSQL data dir ${dataDir} is a symbolic link to a directory that does not exist. Remove the link to start with an empty database, or restore its target.`,
        { dataDir, cause },
      );
    });
    return target; // a link placed by an earlier start (or by the operator): its target is judged as usual
  }
  // Judged on the directories as they will be: a fresh clone has no ./data yet, and the agent
  // creates it (as the server does its data dir) with the process's umask.
  await mkdir(path.dirname(dataDir), { recursive: true });
  const blocked = await firstBlockedDir(dataDir, user);
  if (blocked === undefined) return dataDir;
  const isEmptyDir = existing?.isDirectory() === true && (await readdir(dataDir)).length === 0;
  if (existing !== undefined && !isEmptyDir) return dataDir; // holds a cluster (or something else) that stays put

  const parent = await ensureRelocationDir(relocateDir, 'data', user, dataDir);
  // The configured path in the name tells an operator listing relocate_dir which clone owns what.
  const slug = dataDir
    .replace(/^\/+/, '')
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .slice(-80);
  const target = await mkdtemp(path.join(parent, `${slug}-`)); // mode 700; prepareDataDir gives it to the server
  try {
    if (isEmptyDir) await rmdir(dataDir);
    await mkdir(path.dirname(dataDir), { recursive: true });
    await symlink(target, dataDir);
  } catch (cause) {
    await rmdir(target).catch(() => undefined);
    throw new EmbeddedPostgresError(
      'FL_PG_DATA_DIR_INACCESSIBLE',
      `The PostgreSQL server runs as ${user.name} (uid ${user.uid}) and cannot enter ${blocked}, a parent of the data dir ${dataDir}, ` +
        `and linking ${dataDir} to a new cluster in ${parent} failed: ${(cause as Error).message}. ` +
        `Allow it (chmod o+x ${blocked}), choose a data dir it can reach, or run the agent as a non-root user.`,
      { dataDir, cause },
    );
  }
  logger.info(
    { dataDir, target, blocked, user: user.name },
    'The bundled PostgreSQL runs as its own account, which cannot reach the data dir here; its cluster lives in relocate_dir, linked from the data dir.',
  );
  return target;
}
