// The fleet lease on a real PostgreSQL: one holder at a time, the epoch rising on every change of
// hands, a handed-back lease taken at once, and work computed under an old epoch fenced out.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../../agent/core/leadership.ts';
import { commitFleetWork, readFleetCursor } from '../../../agent/store/fleet-events.ts';
import { createLease, type Lease } from '../../../agent/store/lease.ts';
import { withTestSchema } from '../../support/database.ts';

const db = withTestSchema();
const logger = pino({ level: 'silent' });
let started: Lease[] = [];
let n = 0;

function lease(holder: string, name: string, ttlMs = 15_000): Lease {
  const l = createLease({
    database: db.database,
    name,
    holder,
    ttlMs,
    renewIntervalMs: Math.floor(ttlMs / 3),
    acquireIntervalMs: 100,
    logger,
  });
  started.push(l);
  l.start();
  return l;
}

const until = async (what: string, ok: () => boolean | Promise<boolean>) => {
  const deadline = Date.now() + 15_000;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

afterEach(async () => {
  for (const l of started) await l.stop();
  started = [];
});

describe('the fleet lease', () => {
  it('has one holder among agents competing for it', async () => {
    const name = `one-holder-${n++}`;
    const agents = ['a', 'b', 'c'].map((h) => lease(h, name));
    await until('a leader', () => agents.some((a) => a.isLeader()));
    await new Promise((r) => setTimeout(r, 500));
    expect(agents.filter((a) => a.isLeader())).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT holder, epoch::int AS epoch FROM leases WHERE name = $1', [name]);
    expect(rows[0]).toEqual({ holder: agents.find((a) => a.isLeader())!.holder, epoch: 1 });
  });

  it('is taken by another agent at once when its holder hands it back, with a higher epoch', async () => {
    const name = `handback-${n++}`;
    const a = lease('a', name);
    await until('a to lead', () => a.isLeader());
    const b = lease('b', name);
    const changes: (number | null)[] = [];
    b.onChange((e) => changes.push(e));
    await a.stop();
    await until('b to lead', () => b.isLeader());
    expect(b.epoch()).toBe(2);
    expect(changes).toEqual([2]);
  });

  it('passes to another agent once the holder stops renewing, and fences work from the old epoch', async () => {
    const name = `expiry-${n++}`;
    const a = lease('a', name, 1_500);
    await until('a to lead', () => a.isLeader());
    const oldEpoch = a.epoch();
    // The holder is cut off: it renews no more (as after kill -9 or a network partition).
    await db.pool.query(`UPDATE leases SET expires_at = now() WHERE name = $1`, [name]);
    const b = lease('b', name, 1_500);
    await until('b to lead', () => b.isLeader());
    expect(b.epoch()).toBeGreaterThan(oldEpoch!);

    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      await expect(a.fence(client, oldEpoch)).rejects.toBeInstanceOf(LeaseLostError);
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await expect(b.fence(client, b.epoch())).resolves.toBeUndefined();
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
  });

  it('writes nothing, cursor included, for work committed under a lost epoch', async () => {
    const name = `commit-${n++}`;
    const a = lease('a', name);
    await until('a to lead', () => a.isLeader());
    const epoch = a.epoch();
    await db.pool.query(`UPDATE leases SET epoch = epoch + 1, holder = 'b', expires_at = now() + interval '1 minute' WHERE name = $1`, [
      name,
    ]);
    const before = await readFleetCursor(db.database, `cursor-${name}`);
    await expect(
      commitFleetWork(db.database, a, epoch, `cursor-${name}`, { txId: '999999', failureId: 'x' }, async (c) => {
        await c.query(`INSERT INTO agent_instances (instance_id, hostname, version, config_hash) VALUES ('fenced', 'h', 'v', 'c')`);
      }),
    ).rejects.toBeInstanceOf(LeaseLostError);
    expect(await readFleetCursor(db.database, `cursor-${name}`)).toEqual(before);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM agent_instances WHERE instance_id = 'fenced'`)).rows[0].n).toBe(0);
  });
});
