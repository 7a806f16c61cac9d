// Incidents and alert routing end to end inside one agent: a pipeline built from YAML (incidents
// processor + webhook, pagerduty, slack and alertmanager exporters, each routed), fed a replayed
// stream of FailureEvents on event time, with local HTTP receivers standing in for the services.
import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createManualTime } from '../../agent/core/clock.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import { buildPipelines, type AgentPipelines } from '../../agent/core/pipeline/build.ts';
import { registry } from '../../agent/registry.ts';
import { parseConfig } from '../../config/load.ts';
import { z } from 'zod';
import { defineExporter } from '../../agent/core/component.ts';
import type { Database } from '../../agent/store/database.ts';
import { withTestSchema } from '../support/database.ts';
import { writeIncidentUpdates } from '../support/incident-writer.ts';
import { tempBufferDir } from '../support/exporter-harness.ts';
import { failureEvent } from '../support/failure-event-builder.ts';
import { createTestMeter } from '../support/metric-reader.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

interface Receivers {
  webhook: RecordingReceiver;
  pagerduty: RecordingReceiver;
  slack: RecordingReceiver;
  alertmanager: RecordingReceiver;
}

// Stands in for the postgres exporter (branch i6-store) with the same SQL, so the incidents the
// processor restores at start are the ones written here.
const incidentStore = defineExporter({
  type: 'incident_store',
  description: 'Test: writes the incidents lane with the postgres exporter SQL.',
  configSchema: z.strictObject({}),
  create: (_config, ctx) => ({ export: (batch) => writeIncidentUpdates(ctx.database!, batch.incidents) }),
});

interface AgentOptions {
  receivers?: Receivers;
  database?: Database;
  bufferDir?: string;
  startMs?: number;
}

async function agent(options: AgentOptions = {}): Promise<{
  r: Receivers;
  pipelines: AgentPipelines;
  replay(events: FailureEvent[], batchSize: number): Promise<void>;
  advanceTo(ms: number): Promise<void>;
  /** Resolves once every outbox is empty: each notification queued so far has had its answer. */
  idle(): Promise<void>;
}> {
  const r = options.receivers ?? ({} as Receivers);
  if (!options.receivers) {
    for (const name of ['webhook', 'pagerduty', 'slack', 'alertmanager'] as const) {
      r[name] = await startRecordingReceiver({ status: 200 });
      cleanup.push(() => r[name].close());
    }
  }
  const dir = options.bufferDir ?? tempBufferDir();
  const delivery = `{ buffer_dir: ${dir}, initial_backoff_ms: 20 }`;
  const yaml = `
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } }
processors:
  incidents: { quiet_period_ms: 300000, check_interval_ms: 10000 }
exporters:
  webhook/all: { url: "${r.webhook.url}/hook", delivery: ${delivery} }
  pagerduty/oncall: { routing_key: R0123456789abcdefghijklmnopqrstu, url: "${r.pagerduty.url}/v2/enqueue", route: { severities: [P1, P2] }, delivery: ${delivery} }
  slack/minor: { webhook_url: "${r.slack.url}/services/x", route: { severities: [P3, P4] }, digest: { severities: [] }, min_interval_ms: 1, delivery: ${delivery} }
  alertmanager: { endpoints: ["${r.alertmanager.url}"], resend_interval_ms: 3600000, delivery: ${delivery} }
${options.database ? '  incident_store: {}' : ''}
service:
  pipelines:
    failures: { receivers: [otlp], processors: [incidents], exporters: [${options.database ? 'incident_store, ' : ''}webhook/all, pagerduty/oncall, slack/minor, alertmanager] }
`;
  const config = parseConfig(yaml, [...registry, incidentStore]);
  const time = createManualTime(options.startMs ?? T0);
  const metrics = createTestMeter();
  const pipelines = await buildPipelines(config, {
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    database: options.database ?? null,
    meter: metrics.meter,
  });
  await pipelines.start();
  cleanup.push(() => pipelines.shutdown(5_000));
  return {
    r,
    pipelines,
    async replay(events, batchSize) {
      for (let i = 0; i < events.length; i += batchSize) {
        const batch = events.slice(i, i + batchSize);
        await time.advanceTo(Math.max(...batch.map((e) => Date.parse(e.timestamp))));
        await pipelines.consume('failures', createBatch({ events: batch }));
      }
    },
    advanceTo: (ms) => time.advanceTo(ms),
    async idle() {
      await expect.poll(async () => (await metrics.read()).faultline_notifications_pending ?? 0, { timeout: 10_000, interval: 5 }).toBe(0);
    },
  };
}

const statusOf = (req: { body: unknown }) =>
  (req.body as { status?: string; event_action?: string }).status ?? (req.body as { event_action: string }).event_action;

describe('incident alerting, replayed', () => {
  const db = withTestSchema();

  it('turns 1,000 failures of one provider outage into one incident: one trigger per receiver, one resolve after the quiet period', async () => {
    const a = await agent();
    const events = Array.from({ length: 1_000 }, (_, i) => failureEvent(i + 1, { timestamp: at(i * 120), severity: 'P2' }));
    await a.replay(events, 25);
    await a.advanceTo(T0 + 119_880 + 300_000 + 10_000);
    await a.r.webhook.waitForRequests(2, 5_000);
    await a.r.pagerduty.waitForRequests(2, 5_000);
    await a.r.alertmanager.waitForRequests(2, 5_000);
    await a.idle();

    expect(a.r.webhook.requests.map(statusOf)).toEqual(['firing', 'resolved']);
    expect(a.r.pagerduty.requests.map(statusOf)).toEqual(['trigger', 'resolve']);
    expect(a.r.alertmanager.requests).toHaveLength(2);
    expect(a.r.slack.requests).toHaveLength(0); // P2 is not routed to the P3/P4 channel
    const ids = new Set([
      ...a.r.webhook.requests.map((q) => (q.body as { groupLabels: { incident_id: string } }).groupLabels.incident_id),
      ...a.r.pagerduty.requests.map((q) => (q.body as { dedup_key: string }).dedup_key),
    ]);
    expect(ids.size).toBe(1);
    const resolved = a.r.webhook.requests[1].body as { alerts: { annotations: { impact: string }; endsAt: string }[] };
    expect(resolved.alerts[0].annotations.impact).toBe('1000 events, 1000 requests, 1 users, 1 teams');
    expect(resolved.alerts[0].endsAt).toBe(at(119_880 + 300_000));
  });

  it('keeps an outage and an overlapping cost spike apart: two incidents, each to its own receivers', async () => {
    const a = await agent();
    const events: FailureEvent[] = [];
    for (let i = 0; i < 60; i++) {
      events.push(failureEvent(i + 1, { timestamp: at(i * 1_000), severity: 'P1' }));
      events.push(failureEvent(1_000 + i, { timestamp: at(i * 1_000 + 500), category: 'cost', subtype: 'token_spike', severity: 'P3' }));
    }
    await a.replay(events, 10);
    await a.r.webhook.waitForRequests(2, 5_000);
    await a.r.pagerduty.waitForRequests(1, 5_000);
    await a.r.slack.waitForRequests(1, 5_000);
    await a.idle();

    const hooks = a.r.webhook.requests.map((q) => (q.body as { commonLabels: Record<string, string> }).commonLabels);
    expect(hooks.map((l) => [l.category, l.subtype, l.priority]).sort()).toEqual([
      ['cost', 'token_spike', 'P3'],
      ['provider', 'outage', 'P1'],
    ]);
    expect(a.r.pagerduty.requests.map((q) => (q.body as { payload: { class: string } }).payload.class)).toEqual(['provider/outage']);
    expect(a.r.slack.requests.map((q) => (q.body as { text: string }).text)).toEqual([
      expect.stringContaining('P3 cost token spike on openai gpt-4o'),
    ]);
  });

  it('pages once and resolves once across an agent restart in the middle of the incident', async () => {
    const bufferDir = tempBufferDir();
    const events = Array.from({ length: 400 }, (_, i) => failureEvent(5_000 + i, { timestamp: at(i * 500), severity: 'P2' }));
    const first = await agent({ database: db.database, bufferDir });
    await first.replay(events.slice(0, 200), 20);
    await first.r.webhook.waitForRequests(1, 5_000);
    await first.pipelines.shutdown(5_000);

    const second = await agent({ database: db.database, bufferDir, receivers: first.r, startMs: T0 + 100_000 });
    await second.replay(events.slice(200), 20);
    await second.advanceTo(T0 + 199_500 + 300_000 + 10_000);
    await first.r.webhook.waitForRequests(2, 5_000);
    await first.r.pagerduty.waitForRequests(2, 5_000);
    await second.idle();

    expect(first.r.webhook.requests.map(statusOf)).toEqual(['firing', 'resolved']);
    expect(first.r.pagerduty.requests.map(statusOf)).toEqual(['trigger', 'resolve']);
    const rows = await db.pool.query("SELECT state, event_count FROM incidents WHERE category = 'provider'");
    expect(rows.rows).toEqual([{ state: 'resolved', event_count: '400' }]);
    const resolved = first.r.webhook.requests[1].body as { alerts: { annotations: { impact: string } }[] };
    expect(resolved.alerts[0].annotations.impact).toMatch(/^400 events, /);
  });
});
