// A full disk under the spill buffer, made real: the buffer lives on a small tmpfs that a filler
// file has nearly filled, while PostgreSQL is stopped. Intake must close (receivers answer 503),
// health and metrics must keep answering, and once space returns nothing accepted is missing.
// Mounting needs root (CI runs as root); if it is refused the test fails with the reason.
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { createDatabase, type Database } from '../../../agent/store/database.ts';
import { migrate } from '../../../agent/store/migrate.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { mountSmallTmpfs, type SmallTmpfs } from '../../support/small-tmpfs.ts';
import { startStoppablePostgres, type StoppablePostgres } from '../../support/stoppable-postgres.ts';
import { buildExporter, eventually } from './exporter-under-test.ts';

const TMPFS_BYTES = 1024 * 1024;

let pg: StoppablePostgres;
let database: Database;
let disk: SmallTmpfs;

beforeAll(async () => {
  disk = mountSmallTmpfs(TMPFS_BYTES, 'faultline-full-disk-');
  pg = await startStoppablePostgres();
  database = createDatabase({ url: pg.url, logger: pino({ level: 'silent' }), maxConnections: 4, connectTimeoutMs: 1_000 });
  await migrate({ pool: database.pool, logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await database?.close();
  await pg?.destroy();
  disk?.unmount();
});

describe('postgres exporter on a full disk', () => {
  it('closes intake while the disk under the spill buffer is full, keeps health and metrics answering, and loses nothing once space returns', async () => {
    const e = await buildExporter(database, { spill: { drain_rate_per_sec: 10_000 } }, join(disk.dir, 'postgres.sqlite'));
    await e.exporter.start?.();
    try {
      await pg.stop();
      // Leave about 96 KiB free for the buffer (its file and WAL are already created).
      disk.fillLeaving(96 * 1024);

      let sent = 0;
      let blocked: Promise<void> | null = null;
      for (let b = 0; b < 200 && blocked === null; b++) {
        const batch = createBatch({ events: Array.from({ length: 20 }, (_, i) => failureEvent(b * 20 + i)) });
        sent += 20;
        const done = e.exporter.export(batch).then(() => 'stored' as const);
        const outcome = await Promise.race([done, new Promise<'waiting'>((r) => setTimeout(() => r('waiting'), 1_000))]);
        if (outcome === 'waiting') blocked = done.then(() => undefined);
      }
      expect(blocked, 'some batch should have found the disk full').not.toBeNull();
      expect(e.ctx.backpressure.current()).toMatchObject({ holder: 'postgres' });
      expect(e.ctx.backpressure.current()?.message).toMatch(/The disk holding the spill buffer .* is full/);
      // Still answering: health says what is wrong, metrics can be read.
      expect(e.ctx.health.snapshot().postgres).toBeDefined();
      expect((await e.metrics()).faultline_buffer_records).toBeGreaterThan(0);

      // Space returns, then PostgreSQL: the waiting batch is stored and everything drains.
      disk.emptyFiller();
      await blocked;
      await pg.start();
      await eventually('the buffer to drain', async () => ((await e.metrics()).faultline_buffer_records === 0 ? true : undefined), 30_000);
      const { rows } = await database.pool.query('SELECT count(DISTINCT failure_id)::int AS n FROM failure_events');
      expect(rows[0].n).toBe(sent);
      await eventually('intake to reopen', () => (e.ctx.backpressure.current() === null ? true : undefined));
      expect((await e.metrics()).faultline_buffer_lost_records_total ?? 0).toBe(0);
    } finally {
      disk.emptyFiller();
      await e.exporter.shutdown?.();
    }
  }, 90_000);
});
