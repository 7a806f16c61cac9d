// What the bundled server's operating-system account may reach. When the agent is root the server
// runs as `postgres`, which cannot pass through a directory such as a mode-700 home or mktemp dir.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { PostgresOsUser } from './postgres-os-user.ts';

/**
 * The first directory on the way to `target` (its ancestors, and `target` itself when
 * `includeTarget`) that the server's account cannot enter, or undefined when it can reach it.
 * Mode bits only: the account's supplementary groups and ACLs are not consulted, so the answer errs
 * towards "blocked", which costs at most a needless relocation.
 */
export async function firstBlockedDir(target: string, user: PostgresOsUser, includeTarget = false): Promise<string | undefined> {
  const dirs: string[] = [];
  for (let dir = includeTarget ? target : path.dirname(target); ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const dir of dirs) {
    const info = await stat(dir);
    if (!canEnter(info, user)) return dir;
  }
  return undefined;
}

function canEnter(info: { uid: number; gid: number; mode: number }, user: PostgresOsUser): boolean {
  if (info.uid === user.uid) return (info.mode & 0o100) !== 0;
  if (info.gid === user.gid) return (info.mode & 0o010) !== 0;
  return (info.mode & 0o001) !== 0;
}
