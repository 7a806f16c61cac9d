// The operating-system account the bundled PostgreSQL runs as. PostgreSQL refuses to run as root,
// so when the agent is root we run the server (and initdb) as the `postgres` account, creating it
// if allowed; otherwise the server runs as the agent's own user.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';

const run = promisify(execFile);

export interface PostgresOsUser {
  uid: number;
  gid: number;
  name: string;
  /** True when the server must be spawned with this uid/gid (the agent is root). */
  isSwitched: boolean;
}

const ACCOUNT = 'postgres';

export async function resolvePostgresOsUser(options: {
  createPostgresUser: boolean;
  dataDir: string;
  logger: Logger;
}): Promise<PostgresOsUser> {
  const { createPostgresUser, dataDir, logger } = options;
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? -1, name: 'current user', isSwitched: false };

  const existing = await lookupAccount(ACCOUNT);
  if (existing) return { ...existing, name: ACCOUNT, isSwitched: true };
  if (!createPostgresUser) {
    throw new EmbeddedPostgresError(
      'FL_PG_NO_OS_USER',
      `PostgreSQL cannot run as root and there is no '${ACCOUNT}' account to run it as. Create one (useradd --system ${ACCOUNT}), run the agent as a non-root user, or allow the agent to create the account.`,
      { dataDir },
    );
  }
  try {
    await run('groupadd', ['--system', ACCOUNT]).catch(async (err: { code?: number }) => {
      if (err.code !== 9) throw err; // 9: group already exists
    });
    await run('useradd', ['--system', '--gid', ACCOUNT, '--no-create-home', '--shell', '/usr/sbin/nologin', ACCOUNT]);
  } catch (cause) {
    throw new EmbeddedPostgresError(
      'FL_PG_NO_OS_USER',
      `PostgreSQL cannot run as root, and creating the '${ACCOUNT}' account failed (groupadd/useradd). Create it yourself, or run the agent as a non-root user.`,
      { dataDir, cause },
    );
  }
  const created = await lookupAccount(ACCOUNT);
  if (!created)
    throw new EmbeddedPostgresError('FL_PG_NO_OS_USER', `Created the '${ACCOUNT}' account but cannot look it up with \`id\`.`, { dataDir });
  logger.info({ user: ACCOUNT, uid: created.uid }, 'Created an operating-system account for the bundled PostgreSQL.');
  return { ...created, name: ACCOUNT, isSwitched: true };
}

async function lookupAccount(name: string): Promise<{ uid: number; gid: number } | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined; // `id` exits non-zero for an unknown account
  }
}
