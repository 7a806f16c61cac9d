// The agent rides through network faults between it and PostgreSQL and between it and its alert
// receivers: a fault proxy sits on both paths (postgres exporter → proxy → PostgreSQL; webhook and
// Alertmanager exporters → proxy → a recording receiver). For each fault, failures of one provider
// outage are replayed through incidents into all three exporters while the fault is on; once it
// ends, every event and the incident are in PostgreSQL exactly once, nothing was lost or
// dead-lettered, and each receiver got the page and the resolve.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualTime } from '../../agent/core/clock.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import { buildPipelines } from '../../agent/core/pipeline/build.ts';
import { registry } from '../../agent/registry.ts';
import { createDatabase, type Database } from '../../agent/store/database.ts';
import { parseConfig } from '../../config/load.ts';
import { eventually } from '../exporters/postgres/exporter-under-test.ts';
import { testDatabaseUrl, withTestSchema } from '../support/database.ts';
import { tempBufferDir } from '../support/exporter-harness.ts';
import { startFaultProxy, type FaultProxy, type Faults } from '../support/fault-proxy.ts';
import { failureEvent } from '../support/failure-event-builder.ts';
import { createTestMeter } from '../support/metric-reader.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const QUIET_MS = 60_000;
const EVENTS = 300;
const BATCH = 20;

const db = withTestSchema();
let pgProxy: FaultProxy;
let alertProxy: FaultProxy;
let receiver: RecordingReceiver;
let proxied: Database;

beforeAll(async () => {
  const url = new URL(testDatabaseUrl());
  pgProxy = await startFaultProxy({ target: { host: url.hostname, port: Number(url.port) } });
  receiver = await startRecordingReceiver({ status: 200 });
  const r = new URL(receiver.url);
  alertProxy = await startFaultProxy({ target: { host: r.hostname, port: Number(r.port) } });
  url.host = `${pgProxy.host}:${pgProxy.port}`;
  proxied = createDatabase({ url: url.toString(), logger: pino({ level: 'silent' }), schema: db.schema, connectTimeoutMs: 1_000 });
});
afterAll(async () => {
  await proxied?.close();
  await pgProxy?.close();
  await alertProxy?.close();
  await receiver?.close();
});

/** One scenario: the fault on both paths while a provider outage is replayed, then healed. */
async function rideThrough(
  scenario: number,
  during: { faults: Partial<Faults>; whileOn?: (signal: AbortSignal) => Promise<void> },
): Promise<void> {
  const provider = `provider-${scenario}`;
  const hookPath = `/hook-${scenario}`;
  const amBase = `http://${alertProxy.host}:${alertProxy.port}/am-${scenario}`;
  const delivery = `{ buffer_dir: "${tempBufferDir()}", initial_backoff_ms: 50, max_backoff_ms: 500, timeout_ms: 1000 }`;
  const yaml = `
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } }
processors:
  incidents: { quiet_period_ms: ${QUIET_MS}, check_interval_ms: 5000 }
exporters:
  postgres: { write_timeout_ms: 1000, retry: { initial_interval_ms: 50, max_interval_ms: 500 }, spill: { path: "${tempBufferDir()}/pg.sqlite" } }
  webhook: { url: "http://${alertProxy.host}:${alertProxy.port}${hookPath}", delivery: ${delivery} }
  alertmanager: { endpoints: ["${amBase}"], resend_interval_ms: 3600000, delivery: ${delivery} }
storage: {} # the test hands the pipeline its database; the exporter requires the section
service:
  pipelines:
    failures: { receivers: [otlp], processors: [incidents], exporters: [postgres, webhook, alertmanager] }
`;
  const config = parseConfig(yaml, registry);
  const time = createManualTime(T0);
  const { meter, read } = createTestMeter();
  const pipelines = await buildPipelines(config, {
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    database: proxied,
    meter,
  });
  await pipelines.start();
  const stop = new AbortController();
  try {
    await pgProxy.set(during.faults);
    await alertProxy.set(during.faults);
    const meddling = during.whileOn?.(stop.signal);
    const events = Array.from({ length: EVENTS }, (_, i) =>
      failureEvent(scenario * 100_000 + i, { provider, timestamp: new Date(T0 + i * 100).toISOString() }),
    );
    for (let i = 0; i < events.length; i += BATCH) {
      await time.advanceTo(T0 + (i + BATCH - 1) * 100);
      await pipelines.consume('failures', createBatch({ events: events.slice(i, i + BATCH) }));
    }
    await time.advanceTo(T0 + EVENTS * 100 + QUIET_MS + 5_000); // the incident resolves
    stop.abort();
    await meddling;
    await pgProxy.heal();
    await alertProxy.heal();

    // The exporter's backoff and the notifiers' retries wait on the pipeline's (manual) scheduler:
    // time moves on while the test waits for delivery, as it would for a live agent.
    const waitFor = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs?: number) =>
      eventually(
        what,
        async () => {
          await time.advanceTo(time.clock.now() + 250);
          return probe();
        },
        timeoutMs,
      );
    await waitFor(
      'the spill buffer to drain',
      async () => ((await read({ exporter: 'postgres' })).faultline_buffer_records === 0 ? true : undefined),
      60_000,
    );
    const ids = events.map((e) => e.failure_id);
    const stored = await db.pool.query(
      'SELECT count(*)::int AS n, count(DISTINCT failure_id)::int AS d FROM failure_events WHERE failure_id = ANY($1)',
      [ids],
    );
    expect(stored.rows[0]).toEqual({ n: EVENTS, d: EVENTS });
    const incident = await db.pool.query('SELECT state, event_count::int AS n FROM incidents WHERE provider = $1', [provider]);
    expect(incident.rows).toEqual([{ state: 'resolved', n: EVENTS }]);
    const dead = await db.pool.query("SELECT count(*)::int AS n FROM dead_letters WHERE record::text LIKE '%' || $1 || '%'", [provider]);
    expect(dead.rows[0].n).toBe(0);
    const pg = await read({ exporter: 'postgres' });
    expect(pg.faultline_buffer_lost_records_total ?? 0).toBe(0);

    // Each receiver: the page and the resolve (retries may repeat a request; none may be missing).
    const hooks = await waitFor('the webhook page and resolve', () => {
      const statuses = new Set(receiver.requests.filter((q) => q.path === hookPath).map((q) => (q.body as { status: string }).status));
      return statuses.has('firing') && statuses.has('resolved') ? statuses : undefined;
    });
    expect([...hooks].sort()).toEqual(['firing', 'resolved']);
    const resolvedAt = (
      (await db.pool.query('SELECT resolved_at FROM incidents WHERE provider = $1', [provider])).rows[0].resolved_at as Date
    ).getTime();
    await waitFor('the Alertmanager alert and its resolve', () => {
      const alerts = receiver.requests
        .filter((q) => q.path === `/am-${scenario}/api/v2/alerts`)
        .flatMap((q) => q.body as { labels: Record<string, string>; endsAt: string }[])
        .filter((a) => a.labels.provider === provider);
      const firing = alerts.some((a) => Date.parse(a.endsAt) > resolvedAt);
      const resolved = alerts.some((a) => Date.parse(a.endsAt) <= resolvedAt);
      return firing && resolved ? true : undefined;
    });
    const notify = await read();
    expect(notify.faultline_notifications_failed_total ?? 0).toBe(0);
  } finally {
    stop.abort();
    await pgProxy.heal();
    await alertProxy.heal();
    await pipelines.shutdown(5_000);
    time.stop();
  }
}

/** Runs `fn` every `everyMs` until aborted. */
async function repeat(signal: AbortSignal, everyMs: number, fn: () => void | Promise<void>): Promise<void> {
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, everyMs));
    if (!signal.aborted) await fn();
  }
}

// Each case waits on several deliveries through a slowed or broken link, one after another: more
// than the 30 s default on a loaded machine.
describe('the agent through network faults to PostgreSQL and alert receivers', { timeout: 120_000 }, () => {
  it('rides through latency with jitter', async () => {
    await rideThrough(1, { faults: { latencyMs: 150, jitterMs: 100 } });
  });

  it('rides through a bandwidth cap', async () => {
    await rideThrough(2, { faults: { bytesPerSec: 32 * 1024 } });
  });

  it('rides through connections reset mid-stream', async () => {
    await rideThrough(3, {
      faults: { resetAfterBytes: 3_000 },
      whileOn: (signal) => repeat(signal, 40, () => pgProxy.resetConnections()),
    });
  });

  it('rides through a server that accepts and never answers, longer than the write and request deadlines', async () => {
    await rideThrough(4, {
      faults: { mode: 'timeout' },
      whileOn: () => new Promise((r) => setTimeout(r, 3_000)),
    });
  });

  it('rides through traffic sliced into 7-byte writes', async () => {
    await rideThrough(5, { faults: { sliceBytes: 7 } });
  });

  it('rides through both destinations going down and coming back', async () => {
    await rideThrough(6, {
      faults: { mode: 'down' },
      whileOn: () => new Promise((r) => setTimeout(r, 2_000)),
    });
  });
});
