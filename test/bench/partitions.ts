// `npm run bench partitions`: failure events into the day-partitioned failure_events (as the
// postgres exporter writes them, INSERT … SELECT unnest, one transaction per batch), beside the
// same rows into a plain table with the same indexes, and the bytes PostgreSQL uses per million
// events (heap, TOAST and indexes). Events spread over five days, so five partitions take rows.
// Runs its own bundled PostgreSQL with fsync on in a temp dir. Measures; does not assert.
import { mkdtempSync, rmSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import { createDatabase, type Database } from '../../agent/store/database.ts';
import { startEmbeddedPostgres } from '../../agent/store/embedded-postgres.ts';
import { migrate } from '../../agent/store/migrate.ts';
import { failureEventsWriter } from '../../agent/store/writers/failure-events.ts';
import { failureEvent } from '../support/failure-event-builder.ts';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DAYS = 5;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1);
const silent = pino({ level: 'silent' });
const log = (line = '') => process.stdout.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

let nextId = 0;
function events(n: number): FailureEvent[] {
  const out = Array.from({ length: n }, (_, i) =>
    failureEvent(nextId + i, { timestamp: new Date(T0 + ((nextId + i) % DAYS) * DAY + (nextId + i) * 10).toISOString() }),
  );
  nextId += n;
  return out;
}

async function insertRate(db: Database, batch: FailureEvent[][]): Promise<number> {
  const client = await db.pool.connect();
  try {
    const start = performance.now();
    for (const b of batch) {
      await client.query('BEGIN');
      await failureEventsWriter.write(client, b, { agentInstance: 'bench', maxRowsPerStatement: BATCH });
      await client.query('COMMIT');
    }
    return (batch.length * BATCH) / ((performance.now() - start) / 1000);
  } finally {
    client.release();
  }
}

async function bytes(db: Database, table: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(
    `SELECT (pg_total_relation_size($1::regclass) +
             coalesce((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits WHERE inhparent = $1::regclass), 0))::text AS n`,
    [table],
  );
  return Number(rows[0].n);
}

const dir = mkdtempSync(join(tmpdir(), 'faultline-bench-partitions-'));
await chmod(dir, 0o755);
const server = await startEmbeddedPostgres({ logger: silent, dataDir: join(dir, 'pg'), port: 0, fsync: true });
const admin = createDatabase({ url: server.url, logger: silent });
const partitioned = createDatabase({ url: server.url, logger: silent, schema: 'bench_partitioned' });
const plain = createDatabase({ url: server.url, logger: silent, schema: 'bench_plain' });
try {
  await migrate({ pool: partitioned.pool, logger: silent, schema: 'bench_partitioned' });
  for (let d = 0; d < DAYS; d++)
    await partitioned.pool.query(`SELECT faultline_day_partition('failure_events', $1::date)`, [
      new Date(T0 + d * DAY).toISOString().slice(0, 10),
    ]);
  // The same columns and indexes in one plain table: what the partitions cost or save.
  await admin.pool.query('CREATE SCHEMA bench_plain');
  await plain.pool.query('CREATE TABLE failure_events (LIKE bench_partitioned.failure_events INCLUDING ALL)');

  log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores (figures scale with what else runs)`,
  );
  log(`PostgreSQL (bundled, fsync on); ${fmt(EVENTS)} events per round over ${DAYS} days, ${BATCH} per transaction, ${ROUNDS} rounds`);
  const rates = { partitioned: [] as number[], plain: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    const batches = Array.from({ length: Math.ceil(EVENTS / BATCH) }, () => events(BATCH));
    rates.partitioned.push(await insertRate(partitioned, batches));
    rates.plain.push(await insertRate(plain, batches));
  }
  const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  for (const [name, all] of Object.entries(rates))
    log(`  insert into ${name.padEnd(12)} ${fmt(median(all)).padStart(8)} events/s   (rounds ${all.map((r) => fmt(r)).join(', ')})`);
  const stored = ROUNDS * Math.ceil(EVENTS / BATCH) * BATCH;
  for (const [name, db] of [
    ['partitioned', partitioned],
    ['plain', plain],
  ] as const) {
    await db.pool.query('VACUUM ANALYZE failure_events');
    const b = await bytes(db, 'failure_events');
    // Bytes per event × 1,000,000 = bytes per million events; in decimal MB that is the per-event figure.
    log(
      `  ${name.padEnd(12)} ${fmt(b / 1_048_576)} MiB for ${fmt(stored)} events: ${fmt(b / stored)} B/event = ${fmt(b / stored)} MB per million events (heap, TOAST, indexes)`,
    );
  }
} finally {
  await partitioned.close();
  await plain.close();
  await admin.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
