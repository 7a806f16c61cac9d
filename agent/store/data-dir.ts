// Checks and prepares the bundled PostgreSQL's data directory before initdb/postgres touch it, so
// a wrong owner, an unreachable parent or a foreign directory fails with a sentence, not with
// whatever postgres prints.
import { chown, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import type { PostgresOsUser } from './postgres-os-user.ts';
import { firstBlockedDir } from './server-user-access.ts';

export interface DataDirState {
  /** True when PG_VERSION exists: the cluster was initialised before and is reused. */
  isInitialised: boolean;
}

export async function prepareDataDir(dataDir: string, user: PostgresOsUser, majorVersion: number): Promise<DataDirState> {
  try {
    // Parents get the default mode (the server's user must pass through them); the leaf is private.
    await mkdir(path.dirname(dataDir), { recursive: true });
    await mkdir(dataDir, { mode: 0o700 }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  } catch (cause) {
    throw new EmbeddedPostgresError(
      'FL_PG_DATA_DIR_INACCESSIBLE',
      `Cannot create the PostgreSQL data dir ${dataDir}: ${messageOf(cause)}. Choose a writable location.`,
      { dataDir, cause },
    );
  }
  const info = await stat(dataDir);
  const entries = await readdir(dataDir);
  const isEmpty = entries.length === 0;

  if (info.uid !== user.uid) {
    if (user.isSwitched && isEmpty) {
      await chown(dataDir, user.uid, user.gid); // a fresh, empty dir the agent (root) just made or was given
    } else {
      throw new EmbeddedPostgresError(
        'FL_PG_DATA_DIR_OWNERSHIP',
        `The PostgreSQL data dir ${dataDir} is owned by uid ${info.uid}, but the server runs as ${user.name} (uid ${user.uid}). ` +
          `Give it to that user (chown -R ${user.uid}:${user.gid} ${dataDir}) or point the agent at another data dir.`,
        { dataDir },
      );
    }
  }
  if (user.isSwitched) await assertTraversable(dataDir, user, isEmpty);

  if (entries.includes('PG_VERSION')) {
    const version = Number((await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8')).trim());
    if (version !== majorVersion) {
      throw new EmbeddedPostgresError(
        'FL_PG_DATA_DIR_INVALID',
        `The PostgreSQL data dir ${dataDir} was created by PostgreSQL ${version}, but the bundled server is PostgreSQL ${majorVersion}. ` +
          'Upgrade it with pg_upgrade, or move it aside to start with an empty database.',
        { dataDir },
      );
    }
    return { isInitialised: true };
  }
  if (!isEmpty) {
    throw new EmbeddedPostgresError(
      'FL_PG_DATA_DIR_INVALID',
      `The PostgreSQL data dir ${dataDir} is not empty but holds no PostgreSQL cluster (no PG_VERSION file). Point the agent at an empty or missing directory.`,
      { dataDir },
    );
  }
  return { isInitialised: false };
}

/** Every ancestor must let the server's user through, or postgres fails with a bare EACCES. */
async function assertTraversable(dataDir: string, user: PostgresOsUser, isEmpty: boolean): Promise<void> {
  const blocked = await firstBlockedDir(dataDir, user);
  if (blocked === undefined) return;
  throw new EmbeddedPostgresError(
    'FL_PG_DATA_DIR_INACCESSIBLE',
    `The PostgreSQL server runs as ${user.name} (uid ${user.uid}) and cannot enter ${blocked}, a parent of the data dir ${dataDir}, ` +
      (isEmpty ? '' : 'which already holds files (an existing cluster is never moved). ') +
      `Allow it (chmod o+x ${blocked}), move the data dir where it can reach and set storage.embedded.data_dir, or run the agent as a non-root user.`,
    { dataDir },
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
