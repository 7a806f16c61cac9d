// The directory that takes the bundled server's binaries and data when its account cannot reach
// them where they are (storage.embedded.relocate_dir). The binaries placed there are executed, so
// it must be ours and writable by nobody else: a directory someone else made (say under /tmp)
// is refused, never used.
import { chmod, lstat, mkdir, stat } from 'node:fs/promises';
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
  // Whoever may rename entries in a parent could swap our directory for theirs. A sticky
  // directory (such as /tmp) lets only an entry's owner rename it, so it is safe.
  for (let parent = path.dirname(root); ; parent = path.dirname(parent)) {
    const info = await stat(parent); // a symbolic link on the way is judged by its target
    const isOurs = info.uid === 0 || info.uid === process.getuid?.();
    const isSafe = isOurs && ((info.mode & 0o022) === 0 || (info.mode & 0o1000) !== 0);
    if (!isSafe) {
      throw new EmbeddedPostgresError(
        'FL_PG_DATA_DIR_INACCESSIBLE',
        `${parent}, a parent of ${root} (storage.embedded.relocate_dir), may be changed by other users (owner uid ${info.uid}, ` +
          `mode ${(info.mode & 0o7777).toString(8)}), who could replace the binaries placed there. Choose a relocate_dir under directories only root can change.`,
        { dataDir },
      );
    }
    if (parent === path.dirname(parent)) break;
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
