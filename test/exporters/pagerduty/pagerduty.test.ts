import { afterEach, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { IncidentUpdate } from '../../../agent/core/model/incident.ts';
import pagerduty from '../../../exporters/pagerduty/index.ts';
import { pagerdutyEvent, MAX_EVENT_BYTES } from '../../../exporters/pagerduty/pagerduty-event.ts';
import { startExporter, type ExporterHarness } from '../../support/exporter-harness.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { startIncidents } from '../../support/incidents-harness.ts';
import { fireNextTimer, waitForTimer } from '../../support/manual-timers.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../../support/recording-receiver.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const ROUTING_KEY = 'R0123456789abcdefghijklmnopqrstu';

async function lifecycle(severity = 'P1'): Promise<IncidentUpdate[]> {
  const h = await startIncidents({ quiet_period_ms: 60_000, runbooks: { provider: 'https://wiki.example.com/failover' } });
  await h.feed([failureEvent(1, { timestamp: at(0), severity }), failureEvent(2, { timestamp: at(10), severity })]);
  await h.feed([failureEvent(3, { timestamp: at(1_000), severity })]);
  await h.advanceTo(T0 + 120_000);
  return h.updates;
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(config: Record<string, unknown> = {}): Promise<{ receiver: RecordingReceiver; h: ExporterHarness }> {
  // PagerDuty answers 202 Accepted with a small JSON body.
  const receiver = await startRecordingReceiver({ status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"x"}' });
  cleanup.push(() => receiver.close());
  const h = await startExporter(
    pagerduty,
    { routing_key: ROUTING_KEY, url: `${receiver.url}/v2/enqueue`, ...config },
    { id: 'pagerduty/oncall' },
  );
  cleanup.push(async () => h.exporter.shutdown?.());
  return { receiver, h };
}

describe('pagerduty exporter', () => {
  it('triggers once and resolves once per incident, with dedup_key = incident id and the routing key', async () => {
    const { receiver, h } = await setup({ external_url: 'http://faultline.internal:8080' });
    const updates = await lifecycle();
    await h.exporter.export(createBatch({ incidents: updates }));
    const [trigger, resolve] = await receiver.waitForRequests(2);
    await h.idle();
    expect(receiver.requests).toHaveLength(2);
    const id = updates[0].incident.incident_id;
    expect(trigger.path).toBe('/v2/enqueue');
    expect(trigger.body).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: id,
      payload: {
        summary: updates[0].incident.title,
        source: 'faultline/openai/gpt-4o',
        severity: 'critical',
        timestamp: at(0),
        component: 'gpt-4o',
        group: 'openai',
        class: 'provider/outage',
        custom_details: expect.objectContaining({
          incident_id: id,
          priority: 'P1',
          impact: '2 events, 2 requests, 1 users, 1 teams',
          evidence_sample: expect.any(Array),
        }),
      },
      client: 'faultline',
      client_url: `http://faultline.internal:8080/api/v1/incidents/${id}`,
      links: [
        { href: 'https://wiki.example.com/failover', text: 'Runbook' },
        { href: `http://faultline.internal:8080/api/v1/incidents/${id}`, text: 'Incident in faultline' },
      ],
    });
    expect(resolve.body).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: id });
  });

  it('maps P1–P4 onto critical, error, warning, info', async () => {
    const severities: string[] = [];
    for (const s of ['P1', 'P2', 'P3', 'P4']) {
      const [opened] = await lifecycle(s);
      severities.push(
        pagerdutyEvent(opened.incident, 'trigger', opened.transition.at, { source: 'faultline', externalUrl: null }).payload!.severity,
      );
    }
    expect(severities).toEqual(['critical', 'error', 'warning', 'info']);
  });

  it('keeps the summary within 1024 characters and the event within 512 KB', async () => {
    const [opened] = await lifecycle();
    const huge = { ...opened.incident, title: 'x'.repeat(5_000), evidence_sample: [{ blob: 'y'.repeat(600_000) }] };
    const event = pagerdutyEvent(huge, 'trigger', opened.transition.at, { source: 'faultline', externalUrl: null });
    expect(event.payload!.summary).toHaveLength(1_024);
    expect(Buffer.byteLength(JSON.stringify({ routing_key: ROUTING_KEY, ...event }))).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(event.payload!.custom_details.incident_id).toBe(opened.incident.incident_id);
  });

  it('retries a 429 after its Retry-After and does not retry a 400', async () => {
    const { receiver, h } = await setup();
    receiver.respondWith(
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 202 },
      { status: 400, body: '{"status":"invalid event","errors":["Length of \'routing_key\' is incorrect"]}' },
    );
    const updates = await lifecycle();
    await h.exporter.export(createBatch({ incidents: updates }));
    await receiver.waitForRequests(1);
    const retryAt = await waitForTimer(h.time);
    expect(retryAt - h.time.clock.now()).toBe(1_000);
    expect(receiver.requests).toHaveLength(1);
    await h.time.advanceTo(retryAt);
    const [first, second, third] = await receiver.waitForRequests(3);
    expect([first, second, third].map((r) => (r.body as { event_action: string }).event_action)).toEqual(['trigger', 'trigger', 'resolve']);
    await h.idle();
    expect(receiver.requests).toHaveLength(3);
    await expect.poll(() => h.metric('faultline_notifications_failed_total')).toBe(1);
    expect(h.logs.find((l) => l.status === 400)).toMatchObject({ response: expect.stringContaining('invalid event') });
  });

  it('delivers the trigger and the resolve after the receiver comes back from an outage', async () => {
    const { receiver, h } = await setup();
    receiver.setDown(true);
    await h.exporter.export(createBatch({ incidents: await lifecycle() }));
    await waitForTimer(h.time); // the first attempt failed; its retry waits
    expect(receiver.requests).toHaveLength(0);
    receiver.setDown(false);
    await fireNextTimer(h.time);
    const got = await receiver.waitForRequests(2);
    expect(got.map((r) => (r.body as { event_action: string }).event_action)).toEqual(['trigger', 'resolve']);
  });

  it('never writes the routing key into its outbox', async () => {
    const { receiver, h } = await setup();
    receiver.setDown(true);
    await h.exporter.export(createBatch({ incidents: await lifecycle() }));
    await h.exporter.shutdown?.();
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = readdirSync(h.bufferDir);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(`${h.bufferDir}/${f}`).includes(ROUTING_KEY)).toBe(false);
    expect(readdirSync(h.bufferDir).some((f) => readFileSync(`${h.bufferDir}/${f}`).includes('dedup_key'))).toBe(true);
  });
});
