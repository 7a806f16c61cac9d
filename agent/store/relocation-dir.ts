// The directory that takes the bundled server's binaries and data when its account cannot reach
// them where they are (storage.embedded.relocate_dir). The binaries placed there are executed, so
// it must be ours and writable by nobody else: a directory someone else made (say under /tmp)
// is refused, never used.
import { chmod, lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { EmbeddedPostgresError } from './embedded-postgres-error.ts';
import type { PostgresOsUser } from './postgres-os-user.ts';
import { firstBlockedDir } from './server-user-access.ts';

/** Creates `root/sub` if missing, checks both are writable only by this process's user, and opens them (755) to others. */
export async function ensureRelocationDir(root: string, sub: string, user: PostgresOsUser, dataDir: string): Promise<string> {
  const dir = path.join(root, sub);
  try {
    await mkdir(dir, { recursive: true, mode: 0o755 });
  } catch (cause) {
    throw new EmbeddedPostgresError(
      'FL_PG_DATA_DIR_INACCESSIBLE',
      `The bundled PostgreSQL's account cannot reach its files where they are, and ${dir} (storage.embedded.relocate_dir) ` +
        `cannot be created to hold them: ${(cause as Error).message}. Set storage.embedded.relocate_dir to a writable directory, ` +
        'run the agent as a non-root user, or set DATABASE_URL to an existing server.',
      { dataDir, cause },
    );
  }
  for (const each of [root, dir]) {
    const info = await lstat(each);
    const isPrivate = info.isDirectory() && info.uid === process.getuid?.() && (info.mode & 0o022) === 0;
    if (!isPrivate) {
      throw new EmbeddedPostgresError(
        'FL_PG_DATA_DIR_INACCESSIBLE',
        `${each} (storage.embedded.relocate_dir) must be a directory owned by uid ${process.getuid?.()} that only its owner can write ` +
          `(it is ${info.isSymbolicLink() ? 'a symbolic link' : `owned by uid ${info.uid}, mode ${(info.mode & 0o777).toString(8)}`}). ` +
          'Remove it so the agent can create it, or choose another relocate_dir.',
        { dataDir },
      );
    }
    await chmod(each, 0o755); // the server's account passes through; a umask of 077 would have shut it out
  }
  const blocked = await firstBlockedDir(dir, user);
  if (blocked !== undefined) {
    throw new EmbeddedPostgresError(
      'FL_PG_DATA_DIR_INACCESSIBLE',
      `The PostgreSQL server runs as ${user.name} (uid ${user.uid}) and cannot enter ${blocked}, a parent of ${root} ` +
        `(storage.embedded.relocate_dir). Allow it (chmod o+x ${blocked}) or choose a relocate_dir it can reach.`,
      { dataDir },
    );
  }
  return dir;
}
