// Retention on a real PostgreSQL: failure events spread over several days sit in day partitions;
// the leader drops the partitions past storage.retention_days whole, deletes expired rows that
// landed in the default partition, creates the coming days, and the API keeps answering.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { createLease, type Lease } from '../../../agent/store/lease.ts';
import { runRetention } from '../../../agent/store/retention.ts';
import { failureEventsWriter } from '../../../agent/store/writers/failure-events.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { withTestSchema } from '../../support/database.ts';
import { startApi } from '../api/api-under-test.ts';

const db = withTestSchema();
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 7, 10, 30, 0);
const day = (ms: number) => new Date(Math.floor(ms / DAY) * DAY).toISOString().slice(0, 10);
const logger = pino({ level: 'silent' });
const leases: Lease[] = [];

const leaseFor = (holder: string) => {
  const lease = createLease({
    database: db.database,
    name: 'retention-test',
    holder,
    ttlMs: 15_000,
    renewIntervalMs: 5_000,
    acquireIntervalMs: 200,
    logger,
  });
  leases.push(lease);
  return lease;
};

async function write(events: FailureEvent[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await failureEventsWriter.write(client, events, { agentInstance: 'test', maxRowsPerStatement: 500 });
  } finally {
    client.release();
  }
}

async function partitions(): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'failure_events'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

const waitForLead = async (lease: Lease) => {
  const deadline = Date.now() + 10_000;
  while (!lease.isLeader()) {
    if (Date.now() > deadline) throw new Error('the lease was not taken');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('retention by day partitions', () => {
  // Days before NOW: 45 and 40 are past a 30-day retention, 29, 2 and 0 are kept.
  const ages = [45, 40, 29, 2, 0];
  const events = ages.flatMap((age, a) =>
    Array.from({ length: 20 }, (_, i) => failureEvent(a * 100 + i, { timestamp: new Date(NOW - age * DAY + i * 60_000).toISOString() })),
  );
  // Far in the past and never given a partition of its own: it waits in the default partition.
  const stray = failureEvent(999, { timestamp: new Date(NOW - 90 * DAY).toISOString() });
  let leader: Lease;

  beforeAll(async () => {
    for (const age of ages) await db.pool.query(`SELECT faultline_day_partition('failure_events', $1::date)`, [day(NOW - age * DAY)]);
    await write([...events, stray]);
    leader = leaseFor('leader');
    leader.start();
    await waitForLead(leader);
  });
  afterAll(async () => {
    for (const l of leases) await l.stop();
  });

  it('does nothing on an agent that does not hold the lease', async () => {
    const follower = leaseFor('follower');
    follower.start();
    await new Promise((r) => setTimeout(r, 300));
    expect(follower.isLeader()).toBe(false);
    const result = await runRetention({
      database: db.database,
      leadership: follower,
      retentionDays: 30,
      clock: { now: () => NOW },
      logger,
    });
    expect(result).toEqual({ dropped: [], deleted: {}, ensured: 0 });
    expect((await db.pool.query('SELECT count(*)::int AS n FROM failure_events')).rows[0].n).toBe(101);
  });

  it('drops the partitions past retention_days whole and deletes expired rows of the default partition', async () => {
    const before = await partitions();
    for (const age of ages) expect(before).toContain(`failure_events_p${day(NOW - age * DAY).replaceAll('-', '')}`);

    const result = await runRetention({ database: db.database, leadership: leader, retentionDays: 30, clock: { now: () => NOW }, logger });

    const expired = [45, 40].map((age) => `failure_events_p${day(NOW - age * DAY).replaceAll('-', '')}`);
    expect(result.dropped.filter((n) => n.startsWith('failure_events_')).sort()).toEqual(expired.sort());
    expect(result.deleted.failure_events_default).toBe(1);
    const after = await partitions();
    for (const name of expired) expect(after).not.toContain(name);
    for (const age of [29, 2, 0]) expect(after).toContain(`failure_events_p${day(NOW - age * DAY).replaceAll('-', '')}`);
    // The coming days exist before any event needs them.
    for (const ahead of [1, 2]) expect(after).toContain(`failure_events_p${day(NOW + ahead * DAY).replaceAll('-', '')}`);

    const { rows } = await db.pool.query<{ n: number; oldest: Date }>(
      'SELECT count(*)::int AS n, min(occurred_at) AS oldest FROM failure_events',
    );
    expect(rows[0].n).toBe(60);
    expect(rows[0].oldest.getTime()).toBe(NOW - 29 * DAY);
  });

  it('leaves the API answering over what is kept', async () => {
    const api = await startApi(db.database);
    const page = await api.get('/api/v1/failures?limit=1000');
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(60);
    const kept = events.find((e) => Date.parse(e.timestamp) >= NOW - 2 * DAY)!;
    expect((await api.get(`/api/v1/failures/${kept.failure_id}`)).status).toBe(200);
    const dropped = events[0];
    expect((await api.get(`/api/v1/failures/${dropped.failure_id}`)).status).toBe(404);
    const range = await api.get(`/api/v1/failures?from=${new Date(NOW - 3 * DAY).toISOString()}&limit=1000`);
    expect(range.body.data).toHaveLength(40);
  });

  it('keeps writing after the drop: an event of a new day lands in its partition', async () => {
    const next = failureEvent(5000, { timestamp: new Date(NOW + DAY).toISOString() });
    await write([next]);
    const { rows } = await db.pool.query<{ part: string }>(
      'SELECT tableoid::regclass::text AS part FROM failure_events WHERE failure_id = $1',
      [next.failure_id],
    );
    expect(rows[0].part).toBe(`failure_events_p${day(NOW + DAY).replaceAll('-', '')}`);
  });
});
