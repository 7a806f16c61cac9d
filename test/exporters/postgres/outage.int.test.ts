// PostgreSQL outages against the postgres exporter, on a server of this file's own that the tests
// stop and start: nothing accepted is lost, and at the buffer cap senders are told to come back.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLiveTime } from '../../../agent/core/clock.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { buildPipelines } from '../../../agent/core/pipeline/build.ts';
import { registry } from '../../../agent/registry.ts';
import type { OtlpReceiver } from '../../../agent/receivers/otlp/index.ts';
import { RECORD_OVERHEAD_BYTES } from '../../../agent/delivery/spill/index.ts';
import { createDatabase, type Database } from '../../../agent/store/database.ts';
import { migrate } from '../../../agent/store/migrate.ts';
import { parseConfig } from '../../../config/load.ts';
import { encodeItem } from '../../../exporters/postgres/export-item.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { createTestMeter } from '../../support/metric-reader.ts';
import { makeGenAiSpans } from '../../support/otlp-fixtures.ts';
import { startStoppablePostgres, type StoppablePostgres } from '../../support/stoppable-postgres.ts';
import { buildExporter, eventually, removeTempSpillDirs, tempSpillPath } from './exporter-under-test.ts';

let pg: StoppablePostgres;
let database: Database;
beforeAll(async () => {
  pg = await startStoppablePostgres();
  database = createDatabase({ url: pg.url, logger: pino({ level: 'silent' }), maxConnections: 4, connectTimeoutMs: 1_000 });
  await migrate({ pool: database.pool, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await database?.close();
  await pg?.destroy();
  removeTempSpillDirs();
});
beforeEach(async () => {
  await pg.start();
  await database.pool.query('TRUNCATE failure_events, dead_letters');
});

const rowCounts = async () => {
  const { rows } = await database.pool.query(
    'SELECT count(*)::int AS n, count(DISTINCT failure_id)::int AS distinct_n FROM failure_events',
  );
  return rows[0] as { n: number; distinct_n: number };
};

describe('postgres exporter through an outage', () => {
  it('writes exactly N rows for N events sent while PostgreSQL was stopped, once it is back, and drains the buffer to zero', async () => {
    const N = 1_000;
    const e = await buildExporter(database, { spill: { drain_rate_per_sec: 5_000 } });
    await e.exporter.start?.();
    try {
      await pg.stop();
      for (let b = 0; b < N / 100; b++) {
        await e.exporter.export(createBatch({ events: Array.from({ length: 100 }, (_, i) => failureEvent(b * 100 + i)) }));
      }
      expect(await e.metrics()).toMatchObject({ faultline_buffer_records: N });
      expect(e.ctx.health.snapshot().postgres).toMatchObject({ ready: true });
      expect(e.ctx.health.snapshot().postgres.detail).toMatch(/PostgreSQL unreachable .*buffering to/);

      await pg.start();
      await eventually('the buffer to drain', async () => ((await e.metrics()).faultline_buffer_records === 0 ? true : undefined), 30_000);
      expect(await rowCounts()).toEqual({ n: N, distinct_n: N });
      const m = await e.metrics();
      expect(m.faultline_exporter_retries_total).toBeGreaterThan(0);
      expect(m.faultline_buffer_lost_records_total ?? 0).toBe(0);
      expect(e.ctx.health.snapshot().postgres).toEqual({ ready: true, detail: 'Writing to PostgreSQL.' });
    } finally {
      await e.exporter.shutdown?.();
    }
  });

  it('resumes draining once PostgreSQL is back without waiting out a long backoff', async () => {
    // A 10-minute backoff: only the reachability probe can bring the drain back within the test.
    const e = await buildExporter(database, { retry: { initial_interval_ms: 600_000, max_interval_ms: 600_000 } });
    await e.exporter.start?.();
    try {
      await pg.stop();
      await e.exporter.export(createBatch({ events: Array.from({ length: 50 }, (_, i) => failureEvent(20_000 + i)) }));
      // Failed twice: the direct write (50 items), then the drain's first attempt at the same 50.
      await eventually(
        'a failed drain attempt',
        async () => ((await e.metrics()).faultline_exporter_send_failed_items_total ?? 0) >= 100 || undefined,
      );
      await pg.start();
      await eventually('the buffer to drain', async () => ((await e.metrics()).faultline_buffer_records === 0 ? true : undefined), 30_000);
      expect(await rowCounts()).toEqual({ n: 50, distinct_n: 50 });
    } finally {
      await e.exporter.shutdown?.();
    }
  });

  it('keeps a batch that finds the buffer full waiting, intake closed, until the drain makes room for it', async () => {
    const batch = (k: number) => createBatch({ events: Array.from({ length: 20 }, (_, i) => failureEvent(k * 20 + i)) });
    const batchBytes = batch(0).events.reduce(
      (sum, value) => sum + Buffer.byteLength(encodeItem({ lane: 'events', value })) + RECORD_OVERHEAD_BYTES,
      0,
    );
    // Room for two batches and a half: the third does not fit.
    const e = await buildExporter(database, { spill: { max_bytes: Math.round(batchBytes * 2.5) } });
    await e.exporter.start?.();
    try {
      await pg.stop();
      await e.exporter.export(batch(0));
      await e.exporter.export(batch(1));
      let stored = false;
      const third = e.exporter.export(batch(2)).then(() => (stored = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(stored).toBe(false);
      expect(e.ctx.backpressure.current()).toMatchObject({ holder: 'postgres', retryAfterSec: 5 });
      expect(e.ctx.backpressure.current()?.message).toContain('cannot take');

      await pg.start();
      await third;
      await eventually('every row', async () => ((await rowCounts()).n === 60 ? true : undefined), 30_000);
      expect(await rowCounts()).toEqual({ n: 60, distinct_n: 60 });
      await eventually('intake to reopen', () => (e.ctx.backpressure.current() === null ? true : undefined));
    } finally {
      await e.exporter.shutdown?.();
    }
  });

  it('answers 503 with Retry-After when the buffer is at its cap, and loses nothing it accepted', async () => {
    const eventsFile = join(dirname(tempSpillPath()), 'events.ndjson');
    const { meter, read } = createTestMeter();
    const config = parseConfig(
      `
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } }
processors: { normalize: {}, detectors: {}, classifier: {} }
exporters:
  postgres:
    write_timeout_ms: 1000
    retry_after_sec: 2
    retry: { initial_interval_ms: 50, max_interval_ms: 300 }
    spill: { path: "${tempSpillPath()}", max_bytes: 40000 }
  ndjson: { path: "${eventsFile}", lanes: [events] }
storage: {} # the test hands the pipeline its database; the exporter requires the section
service:
  pipelines:
    genai: { receivers: [otlp], processors: [normalize, detectors, classifier], exporters: [postgres, ndjson] }
`,
      registry,
    );
    const time = createLiveTime();
    const pipelines = await buildPipelines(config, {
      logger: pino({ level: 'silent' }),
      clock: time.clock,
      scheduler: time.scheduler,
      database,
      meter,
    });
    await pipelines.start();
    const { port } = (pipelines.receiver('otlp') as OtlpReceiver).addresses().http!;
    // Each request: 10 failed LiteLLM calls → 10 FailureEvents with ids of their own.
    const send = (seed: number) =>
      fetch(`http://127.0.0.1:${port}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JsonTraceSerializer.serializeRequest(makeGenAiSpans(10, { errorEvery: 1, seed }))!),
        signal: AbortSignal.timeout(10_000),
      });
    const accepted: number[] = [];
    try {
      await pg.stop();
      let refused: Response | null = null;
      let seed = 1;
      for (; seed <= 40 && !refused; seed++) {
        const res = await send(seed);
        if (res.status === 200) accepted.push(seed);
        else refused = res;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.headers.get('retry-after')).toBe('2');
      expect(await refused!.text()).toContain('spill buffer');
      expect(accepted.length).toBeGreaterThanOrEqual(3);
      expect(pipelines.health.snapshot().postgres.ready).toBe(false);

      // The sender keeps what was refused and sends it again once PostgreSQL is back and the buffer has room.
      await pg.start();
      await eventually('intake to reopen', () => (pipelines.backpressure.current() === null ? true : undefined), 30_000);
      for (const s of [seed - 1, seed, seed + 1]) {
        expect((await send(s)).status).toBe(200);
        accepted.push(s);
      }
      await eventually(
        'the buffer to drain',
        async () => ((await read({ exporter: 'postgres' })).faultline_buffer_records === 0 ? true : undefined),
        30_000,
      );
    } finally {
      await pipelines.shutdown();
      time.stop();
    }
    const exported = new Set(
      readFileSync(eventsFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).failure_id as string),
    );
    expect(exported.size).toBe(10 * accepted.length);
    expect(await rowCounts()).toEqual({ n: exported.size, distinct_n: exported.size });
    const { rows } = await database.pool.query('SELECT failure_id FROM failure_events');
    expect(new Set(rows.map((r) => r.failure_id as string))).toEqual(exported);
  });
});
