import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostgresOsUser } from '../../../agent/store/postgres-os-user.ts';
import { firstBlockedDir } from '../../../agent/store/server-user-access.ts';

// Another account than the one running the test: it may pass only where "others" may.
const stranger: PostgresOsUser = { uid: 54_321, gid: 54_321, name: 'stranger', isSwitched: true };
const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function tree(modes: Record<string, number>): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'faultline-access-'));
  roots.push(root);
  await chmod(root, 0o755);
  for (const [relative, mode] of Object.entries(modes)) {
    await mkdir(path.join(root, relative), { recursive: true });
    await chmod(path.join(root, relative), mode);
  }
  return root;
}

describe('firstBlockedDir', () => {
  it('names the mode-700 directory another account cannot pass through', async () => {
    const root = await tree({ clone: 0o700, 'clone/data': 0o755 });
    expect(await firstBlockedDir(path.join(root, 'clone/data/postgres'), stranger)).toBe(path.join(root, 'clone'));
  });

  it('finds nothing blocked when every directory on the way lets others through', async () => {
    const root = await tree({ clone: 0o711, 'clone/data': 0o755 });
    expect(await firstBlockedDir(path.join(root, 'clone/data/postgres'), stranger)).toBeUndefined();
  });

  it('checks the target itself only when asked', async () => {
    const root = await tree({ native: 0o700 });
    const target = path.join(root, 'native');
    expect(await firstBlockedDir(target, stranger)).toBeUndefined();
    expect(await firstBlockedDir(target, stranger, true)).toBe(target);
  });

  it('lets the owner through its own mode-700 directory', async () => {
    const root = await tree({ clone: 0o700 });
    const owner: PostgresOsUser = { uid: process.getuid!(), gid: process.getgid!(), name: 'owner', isSwitched: false };
    expect(await firstBlockedDir(path.join(root, 'clone', 'data'), owner)).toBeUndefined();
  });
});
