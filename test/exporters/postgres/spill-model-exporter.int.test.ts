// Model-based test of the postgres exporter's spill path in process (spill buffer, spill room,
// drain loop, dead letters): fast-check command sequences of exports (some with a record
// PostgreSQL refuses for good), PostgreSQL down or hanging (a fault proxy in front of it), a full
// disk under the buffer (a small tmpfs), a corrupt page of the buffer file, and restarts. After
// each sequence, with everything healed and drained: every event whose export() resolved is in
// failure_events or counted in faultline_buffer_lost_records_total (with no corruption, all of
// them, and a count no higher than the records of exports refused at shutdown); every acknowledged
// record PostgreSQL refuses is in dead_letters exactly once, and nothing else is. SIGKILL crashes run in spill-model-crash.int.test.ts.
import { closeSync, existsSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { createDatabase, type Database } from '../../../agent/store/database.ts';
import { testDatabaseUrl, withTestSchema } from '../../support/database.ts';
import { startFaultProxy, type FaultProxy } from '../../support/fault-proxy.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { mountSmallTmpfs, type SmallTmpfs } from '../../support/small-tmpfs.ts';
import { buildExporter, type ExporterUnderTest } from './exporter-under-test.ts';

/** Sequences run here (with spill-model.test.ts and spill-model-crash.int.test.ts: 10,000). */
const RUNS = Number(process.env.SPILL_MODEL_EXPORTER_RUNS ?? 200);
const CONFIG = {
  write_timeout_ms: 400,
  retry_after_sec: 1,
  retry: { initial_interval_ms: 5, max_interval_ms: 40 },
  spill: { max_bytes: 96 * 1024, drain_rate_per_sec: 100_000, drain_batch_items: 40 },
};

interface Model {
  acked: Set<string>;
  poisonAcked: Set<string>;
  /** Exports not settled yet (waiting for room). */
  pending: Set<Promise<void>>;
  /** Lost-records counts of exporters already shut down in this sequence. */
  lostBefore: number;
  /** Records in exports that failed (only at shutdown, with no room and PostgreSQL not taking them). */
  refused: number;
  corrupted: boolean;
}

interface Real {
  e: ExporterUnderTest;
  spillPath: string;
}

const db = withTestSchema();
let proxy: FaultProxy;
let proxied: Database;
let disk: SmallTmpfs;
let nextEvent = 1;

beforeAll(async () => {
  const url = new URL(testDatabaseUrl());
  proxy = await startFaultProxy({ target: { host: url.hostname, port: Number(url.port) } });
  url.host = `${proxy.host}:${proxy.port}`;
  proxied = createDatabase({
    url: url.toString(),
    schema: db.schema,
    logger: pino({ level: 'silent' }),
    connectTimeoutMs: 300,
    maxConnections: 4,
  });
  disk = mountSmallTmpfs(2 * 1024 * 1024, 'faultline-exporter-model-');
});
afterAll(async () => {
  await proxied?.close();
  await proxy?.close();
  disk?.unmount();
});

async function startExporter(spillPath: string): Promise<ExporterUnderTest> {
  const e = await buildExporter(proxied, CONFIG, spillPath);
  await e.exporter.start?.();
  return e;
}

const settleWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

class Export implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly count: number,
    readonly poison: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const events: FailureEvent[] = Array.from({ length: this.count }, () => failureEvent(nextEvent++));
    // A failure_id outside the table's CHECK: PostgreSQL refuses it for good (SQLSTATE 23514).
    if (this.poison) events.push({ ...failureEvent(nextEvent), failure_id: `poison-${nextEvent++}` });
    const done = r.e.exporter.export(createBatch({ events })).then(() => {
      for (const ev of events) (ev.failure_id.startsWith('poison-') ? m.poisonAcked : m.acked).add(ev.failure_id);
    });
    // Refused only at shutdown: never acknowledged, so nothing is owed, and it may be counted lost.
    const tracked = done.catch(() => void (m.refused += events.length));
    m.pending.add(tracked);
    void tracked.then(() => m.pending.delete(tracked));
    await settleWithin(tracked, 50);
  }
  toString = () => `export(${this.count}${this.poison ? ' + poison' : ''})`;
}

class Postgres implements fc.AsyncCommand<Model, Real> {
  constructor(readonly mode: 'up' | 'down' | 'timeout') {}
  check = () => true;
  async run(): Promise<void> {
    await proxy.set({ mode: this.mode });
  }
  toString = () => `postgres ${this.mode}`;
}

class DiskFull implements fc.AsyncCommand<Model, Real> {
  constructor(readonly leaveBytes: number) {}
  check = () => true;
  async run(): Promise<void> {
    disk.fillLeaving(this.leaveBytes);
  }
  toString = () => `diskFull(leave ${this.leaveBytes})`;
}

class DiskFree implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(): Promise<void> {
    disk.emptyFiller();
  }
  toString = () => 'diskFree';
}

class CorruptPage implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly where: number,
    readonly length: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    if (!existsSync(r.spillPath)) return;
    const size = statSync(r.spillPath).size;
    if (size <= this.length) return;
    const fd = openSync(r.spillPath, 'r+');
    writeSync(fd, Buffer.alloc(this.length, 0xa5), 0, this.length, Math.floor(this.where * (size - this.length)));
    closeSync(fd);
    m.corrupted = true;
  }
  toString = () => `corrupt(at ${this.where.toFixed(3)}, ${this.length} bytes)`;
}

class Restart implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.e.exporter.shutdown?.();
    await Promise.all([...m.pending]);
    m.lostBefore += (await r.e.metrics()).faultline_buffer_lost_records_total ?? 0;
    disk.emptyFiller(); // a restart on a full disk is the operator's problem, not this model's
    r.e = await startExporter(r.spillPath);
  }
  toString = () => 'restart';
}

/** Everything healed, every export settled and the buffer drained; then the invariant. */
async function settleAndCheck(m: Model, r: Real): Promise<void> {
  await proxy.heal();
  disk.emptyFiller();
  expect(await settleWithin(Promise.all([...m.pending]), 30_000), 'an export stayed waiting after every fault was healed').toBe(true);
  const drained = async () => ((await r.e.metrics()).faultline_buffer_records ?? 0) === 0;
  const deadline = Date.now() + 30_000;
  while (!(await drained())) {
    expect(Date.now() < deadline, 'the spill buffer did not drain after every fault was healed').toBe(true);
    await new Promise((res) => setTimeout(res, 5));
  }
  const acked = [...m.acked];
  const poison = [...m.poisonAcked];
  const stored = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM failure_events WHERE failure_id = ANY($1)', [acked]);
  const letters = await db.pool.query<{ record_key: string; n: number }>(
    'SELECT record_key, count(*)::int AS n FROM dead_letters WHERE record_key = ANY($1) GROUP BY record_key',
    [[...acked, ...poison]],
  );
  // Nothing twice in dead_letters, and nothing PostgreSQL would have taken.
  for (const l of letters.rows) {
    expect(l.n, `${l.record_key} dead-lettered ${l.n} times`).toBe(1);
    expect(m.poisonAcked.has(l.record_key), `${l.record_key} was dead-lettered though PostgreSQL takes it`).toBe(true);
  }
  const missing = acked.length - stored.rows[0].n + (poison.length - letters.rows.length);
  const lost = m.lostBefore + ((await r.e.metrics()).faultline_buffer_lost_records_total ?? 0);
  expect(missing, `${missing} acknowledged records are neither in PostgreSQL nor counted lost (${lost})`).toBeLessThanOrEqual(lost);
  if (!m.corrupted) {
    expect(missing).toBe(0);
    expect(lost, 'counted lost though no batch was refused').toBeLessThanOrEqual(m.refused);
  }
}

const commands = [
  fc.tuple(fc.integer({ min: 1, max: 60 }), fc.boolean()).map(([n, p]) => new Export(n, p)),
  fc.tuple(fc.integer({ min: 1, max: 60 }), fc.constant(false)).map(([n, p]) => new Export(n, p)),
  fc.constantFrom('up' as const, 'down' as const, 'timeout' as const).map((mode) => new Postgres(mode)),
  fc.integer({ min: 0, max: 64 * 1024 }).map((n) => new DiskFull(n)),
  fc.constant(new DiskFree()),
  fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(16, 512, 4096)).map(([w, l]) => new CorruptPage(w, l)),
  fc.constant(new Restart()),
];

let runNo = 0;
async function runSequence(cmds: Iterable<fc.AsyncCommand<Model, Real>>): Promise<void> {
  const dir = join(disk.dir, `run-${runNo++}`);
  const spillPath = join(dir, 'postgres.sqlite');
  const model: Model = { acked: new Set(), poisonAcked: new Set(), pending: new Set(), lostBefore: 0, refused: 0, corrupted: false };
  const real: Real = { e: await startExporter(spillPath), spillPath };
  try {
    await fc.asyncModelRun(() => ({ model, real }), cmds);
    await settleAndCheck(model, real);
  } finally {
    await proxy.heal();
    disk.emptyFiller();
    await real.e.exporter.shutdown?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('postgres exporter spill path, model-based', () => {
  it(`keeps every acknowledged record: in PostgreSQL once, or counted lost (${RUNS} sequences)`, async () => {
    await fc.assert(fc.asyncProperty(fc.commands(commands, { maxCommands: 12, replayPath: process.env.SPILL_MODEL_REPLAY }), runSequence), {
      numRuns: RUNS,
      ...(process.env.SPILL_MODEL_SEED ? { seed: Number(process.env.SPILL_MODEL_SEED), path: process.env.SPILL_MODEL_PATH } : {}),
    });
  }, 1_800_000);
});
