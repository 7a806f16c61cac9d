// `npm run bench postgres-export`: how fast failure events go into PostgreSQL (INSERT … SELECT
// unnest(arrays) as the exporter does it, against multi-row VALUES lists), through the exporter end to end, how
// fast the spill buffer takes batches (synchronous FULL and NORMAL), and how fast a backlog drains.
// Runs its own bundled PostgreSQL with fsync on (production settings) in a temp dir. Prints
// figures and the target (≥ 20k events/s sustained); it measures, it does not assert.
import { mkdtempSync, rmSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createNoopMeter } from '@opentelemetry/api';
import { createBackpressure } from '../../agent/core/backpressure.ts';
import { createLiveTime } from '../../agent/core/clock.ts';
import { createHealth } from '../../agent/core/health.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import { openSpillBuffer } from '../../agent/delivery/spill/index.ts';
import { createDatabase, type Database } from '../../agent/store/database.ts';
import { startEmbeddedPostgres } from '../../agent/store/embedded-postgres.ts';
import { FAILURE_EVENT_COLUMNS, failureEventToParams } from '../../agent/store/failure-event-row.ts';
import { migrate } from '../../agent/store/migrate.ts';
import postgres from '../../exporters/postgres/index.ts';
import { encodeItem } from '../../exporters/postgres/export-item.ts';
import { writeItems } from '../../exporters/postgres/write-items.ts';
import { failureEvent } from '../support/failure-event-builder.ts';
import { soloLeadership } from '../../agent/core/leadership.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET = 20_000;
const silent = pino({ level: 'silent' });

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}
const fmt = (n: number) => `${Math.round(n).toLocaleString('en-US')}`.padStart(8);
const mark = (rate: number) => (rate >= TARGET ? 'meets' : 'BELOW');

let nextId = 0;
function freshEvents(n: number): FailureEvent[] {
  const out = Array.from({ length: n }, (_, i) => failureEvent(nextId + i));
  nextId += n;
  return out;
}

async function truncate(db: Database) {
  await db.pool.query('TRUNCATE failure_events');
}

async function timeIt(run: () => Promise<void> | void): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

/** The alternative: a multi-row VALUES list, one placeholder per value (19 per row). */
async function insertValues(db: Database, events: FailureEvent[], prepared: boolean): Promise<void> {
  const width = FAILURE_EVENT_COLUMNS.length;
  const text =
    `INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) VALUES ` +
    events.map((_, r) => `(${FAILURE_EVENT_COLUMNS.map((__, c) => `$${r * width + c + 1}`).join(',')})`).join(',') +
    ' ON CONFLICT (failure_id, occurred_at) DO NOTHING';
  const values = events.flatMap((e) => failureEventToParams(e, 'bench'));
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(prepared ? { name: `bench_values_${events.length}`, text, values } : { text, values });
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

async function sequentialRate(db: Database, insert: (events: FailureEvent[]) => Promise<void>): Promise<number> {
  await truncate(db);
  const batches = Array.from({ length: EVENTS / BATCH }, () => freshEvents(BATCH));
  const secs = await timeIt(async () => {
    for (const b of batches) await insert(b);
  });
  return EVENTS / secs;
}

function makeExporter(db: Database, spillPath: string, spill: Record<string, unknown> = {}) {
  // Live time: the drain's pacing is part of what is measured.
  const time = createLiveTime();
  return postgres.create(postgres.configSchema.parse({ spill: { path: spillPath, ...spill } }), {
    id: 'postgres',
    mode: 'live',
    leadership: soloLeadership(),
    logger: silent,
    clock: time.clock,
    scheduler: time.scheduler,
    database: db,
    meter: createNoopMeter(),
    backpressure: createBackpressure(),
    health: createHealth(),
  });
}

async function exporterRate(db: Database, dir: string, concurrency: number): Promise<number> {
  await truncate(db);
  const exporter = await makeExporter(db, join(dir, `direct-${concurrency}.sqlite`));
  await exporter.start!();
  const batches = Array.from({ length: EVENTS / BATCH }, () => createBatch({ events: freshEvents(BATCH) }));
  const secs = await timeIt(async () => {
    let i = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (i < batches.length) await exporter.export(batches[i++]);
      }),
    );
  });
  await exporter.shutdown!();
  return EVENTS / secs;
}

function spillAppendRate(dir: string, synchronous: 'FULL' | 'NORMAL'): number {
  const { buffer } = openSpillBuffer({ path: join(dir, `append-${synchronous}.sqlite`), maxBytes: 4e9, synchronous, logger: silent });
  const batches = Array.from({ length: EVENTS / BATCH }, () => freshEvents(BATCH).map((value) => encodeItem({ lane: 'events', value })));
  const start = performance.now();
  for (const b of batches) buffer.append(b, Date.now());
  const secs = (performance.now() - start) / 1000;
  buffer.close();
  return EVENTS / secs;
}

async function drainRate(db: Database, dir: string): Promise<number> {
  await truncate(db);
  const path = join(dir, 'drain.sqlite');
  const { buffer } = openSpillBuffer({ path, maxBytes: 4e9, synchronous: 'FULL', logger: silent });
  for (let b = 0; b < EVENTS / BATCH; b++)
    buffer.append(
      freshEvents(BATCH).map((value) => encodeItem({ lane: 'events', value })),
      Date.now(),
    );
  buffer.close();
  const exporter = await makeExporter(db, path, { drain_rate_per_sec: 1_000_000, drain_batch_items: BATCH });
  const secs = await timeIt(async () => {
    await exporter.start!();
    for (;;) {
      const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM failure_events');
      if (rows[0].n >= EVENTS) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  await exporter.shutdown!();
  return EVENTS / secs;
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-pg-'));
await chmod(dir, 0o755);
const server = await startEmbeddedPostgres({ logger: silent, dataDir: join(dir, 'pg'), port: 0, fsync: true });
const db = createDatabase({ url: server.url, logger: silent, maxConnections: 8 });
try {
  await migrate({ pool: db.pool, logger: silent });
  const sample = Buffer.byteLength(encodeItem({ lane: 'events', value: failureEvent(1) }));
  log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores (figures scale with what else runs)`,
  );
  log(
    `PostgreSQL ${server.dataDir} (bundled, fsync on); ${EVENTS} events of ~${sample} B JSON, ${BATCH} per transaction; target ≥ ${TARGET.toLocaleString('en-US')} events/s`,
  );
  log('insert into failure_events (one connection, sequential transactions):');
  // Interleaved rounds, so a burst of load from elsewhere on the machine hits every variant alike.
  const variants: [string, (events: FailureEvent[]) => Promise<void>][] = [
    [
      'INSERT … SELECT unnest (exporter)',
      (events) =>
        writeItems(
          db.pool,
          events.map((value) => ({ lane: 'events', value })),
          { agentInstance: 'bench', maxRowsPerStatement: BATCH, statementTimeoutMs: 60_000 },
        ),
    ],
    ['multi-row INSERT … VALUES', (events) => insertValues(db, events, false)],
    ['multi-row VALUES, prepared', (events) => insertValues(db, events, true)],
  ];
  const rates = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++)
    for (const [name, insert] of variants) rates.get(name)!.push(await sequentialRate(db, insert));
  for (const [name, all] of rates) {
    const median = [...all].sort((a, b) => a - b)[Math.floor(all.length / 2)];
    log(`  ${name.padEnd(36)} ${fmt(median)} events/s   ${mark(median)}   (rounds ${all.map((r) => Math.round(r)).join(', ')})`);
  }
  log('through the postgres exporter (export() → committed):');
  for (const c of [1, 4]) {
    const rate = await exporterRate(db, dir, c);
    log(`  ${c} concurrent export() call${c > 1 ? 's' : ' '}            ${fmt(rate)} events/s   ${mark(rate)}`);
  }
  log('spill buffer append (PostgreSQL down):');
  for (const s of ['FULL', 'NORMAL'] as const)
    log(`  synchronous ${s.padEnd(6)}                   ${fmt(spillAppendRate(dir, s))} events/s`);
  const drain = await drainRate(db, dir);
  log(`drain of a ${EVENTS}-record backlog (rate limit off, ${BATCH} per transaction): ${fmt(drain).trim()} events/s   ${mark(drain)}`);
} finally {
  await db.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
