import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostgresOsUser } from '../../../agent/store/postgres-os-user.ts';
import { reachableDataDir } from '../../../agent/store/reachable-data-dir.ts';

// Another account than the one running the test, as the bundled server's `postgres` is for root.
const server: PostgresOsUser = { uid: 54_321, gid: 54_321, name: 'stranger', isSwitched: true };
const logger = pino({ level: 'silent' });
const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

describe('reachableDataDir', () => {
  it('keeps a data dir whose parent does not exist yet (a fresh clone without ./data)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'faultline-datadir-'));
    roots.push(root);
    await chmod(root, 0o755);
    const dataDir = path.join(root, 'data', 'postgres');
    const relocateDir = path.join(root, 'relocated');
    expect(await reachableDataDir({ dataDir, user: server, relocateDir, logger })).toBe(dataDir);
  });
});
