// Makes the bundled binaries runnable by the server's account. When the agent is root and the
// clone sits where `postgres` cannot pass (a mode-700 home or mktemp dir), the package's native/
// tree is placed under relocate_dir once per package version: hard links where the file system
// allows, copies otherwise. The tree keeps its shape, since the binaries find lib/ and share/
// relative to themselves.
import { randomUUID } from 'node:crypto';
import { chmod, copyFile, link, lstat, mkdir, readdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { PostgresBinaries } from './postgres-binaries.ts';
import type { PostgresOsUser } from './postgres-os-user.ts';
import { ensureRelocationDir } from './relocation-dir.ts';
import { firstBlockedDir } from './server-user-access.ts';

export async function reachableBinaries(options: {
  binaries: PostgresBinaries;
  user: PostgresOsUser;
  relocateDir: string;
  dataDir: string;
  logger: Logger;
}): Promise<PostgresBinaries> {
  const { binaries, user, relocateDir, dataDir, logger } = options;
  if (!user.isSwitched) return binaries;
  const blocked = await firstBlockedDir(binaries.nativeDir, user, true);
  if (blocked === undefined) return binaries;

  const parent = await ensureRelocationDir(relocateDir, 'binaries', user, dataDir);
  const target = path.join(parent, binaries.packageId.replace(/[^A-Za-z0-9.@-]+/g, '_'));
  const isPlaced = await stat(target).then(
    () => true,
    () => false,
  );
  if (!isPlaced) {
    // Built beside the target and renamed into place, so a crash mid-copy never leaves a partial tree.
    const building = `${target}.partial-${randomUUID()}`;
    try {
      await placeTree(binaries.nativeDir, building);
      await rename(building, target).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err; // another agent placed it first
      });
    } finally {
      await rm(building, { recursive: true, force: true });
    }
    logger.info(
      { from: binaries.nativeDir, to: target, blocked, user: user.name },
      'The bundled PostgreSQL runs as its own account, which cannot reach the binaries in this clone; placed a copy it can reach.',
    );
  }
  const relocate = (file: string) => path.join(target, path.relative(binaries.nativeDir, file));
  return { ...binaries, initdb: relocate(binaries.initdb), postgres: relocate(binaries.postgres), nativeDir: target };
}

async function placeTree(from: string, to: string): Promise<void> {
  await mkdir(to, { mode: 0o755 });
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const destination = path.join(to, entry.name);
    if (entry.isDirectory()) {
      await placeTree(source, destination);
    } else if (entry.isSymbolicLink()) {
      await symlink(await readlink(source), destination);
    } else if (entry.isFile()) {
      const { mode } = await lstat(source);
      const isExecutable = (mode & 0o100) !== 0;
      // A hard link shares the source's mode, so it only serves when others may already use the file.
      const othersMayUse = (mode & 0o004) !== 0 && (!isExecutable || (mode & 0o001) !== 0);
      const isLinked =
        othersMayUse &&
        (await link(source, destination).then(
          () => true,
          () => false,
        ));
      if (!isLinked) {
        await copyFile(source, destination);
        await chmod(destination, isExecutable ? 0o755 : 0o644);
      }
    }
  }
}
