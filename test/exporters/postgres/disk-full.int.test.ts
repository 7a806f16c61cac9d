// A full disk under the spill buffer, made real: the buffer lives on a small tmpfs that a filler
// file has nearly filled, while PostgreSQL is stopped. Intake must close (receivers answer 503),
// health and metrics must keep answering, and once space returns nothing accepted is missing.
// Mounting needs root (CI runs as root); if it is refused the test fails with the reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { createDatabase, type Database } from '../../../agent/store/database.ts';
import { migrate } from '../../../agent/store/migrate.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { startStoppablePostgres, type StoppablePostgres } from '../../support/stoppable-postgres.ts';
import { buildExporter, eventually } from './exporter-under-test.ts';

const TMPFS_BYTES = 1024 * 1024;

let pg: StoppablePostgres;
let database: Database;
let mountDir: string;

beforeAll(async () => {
  mountDir = mkdtempSync(join(tmpdir(), 'faultline-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', mountDir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`This test needs a small tmpfs to fill (mount -t tmpfs, as root): ${(err as Error).message}`);
  }
  pg = await startStoppablePostgres();
  database = createDatabase({ url: pg.url, logger: pino({ level: 'silent' }), maxConnections: 4, connectTimeoutMs: 1_000 });
  await migrate({ pool: database.pool, logger: pino({ level: 'silent' }) });
});

afterAll(async () => {
  await database?.close();
  await pg?.destroy();
  try {
    execFileSync('umount', [mountDir], { stdio: 'pipe' });
  } finally {
    rmSync(mountDir, { recursive: true, force: true });
  }
});

describe('postgres exporter on a full disk', () => {
  it('closes intake while the disk under the spill buffer is full, keeps health and metrics answering, and loses nothing once space returns', async () => {
    const e = await buildExporter(database, { spill: { drain_rate_per_sec: 10_000 } }, join(mountDir, 'postgres.sqlite'));
    await e.exporter.start?.();
    const filler = join(mountDir, 'filler');
    try {
      await pg.stop();
      // Leave about 96 KiB free for the buffer (its file and WAL are already created).
      const free = Number(statfsSync(mountDir).bavail) * Number(statfsSync(mountDir).bsize);
      writeFileSync(filler, Buffer.alloc(Math.max(0, free - 96 * 1024)));

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
      rmSync(filler);
      await blocked;
      await pg.start();
      await eventually('the buffer to drain', async () => ((await e.metrics()).faultline_buffer_records === 0 ? true : undefined), 30_000);
      const { rows } = await database.pool.query('SELECT count(DISTINCT failure_id)::int AS n FROM failure_events');
      expect(rows[0].n).toBe(sent);
      await eventually('intake to reopen', () => (e.ctx.backpressure.current() === null ? true : undefined));
      expect((await e.metrics()).faultline_buffer_lost_records_total ?? 0).toBe(0);
    } finally {
      rmSync(filler, { force: true });
      await e.exporter.shutdown?.();
    }
  }, 90_000);
});
