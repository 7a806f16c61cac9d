import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { IncidentUpdate } from '../../../agent/core/model/incident.ts';
import webhook from '../../../exporters/webhook/index.ts';
import { startExporter, type ExporterHarness } from '../../support/exporter-harness.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { startIncidents } from '../../support/incidents-harness.ts';
import { fireNextTimer, waitForTimer } from '../../support/manual-timers.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../../support/recording-receiver.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

/** A real incident lifecycle: opened by 3 outage events, updated, resolved after the quiet period. */
async function lifecycle(): Promise<{ opened: IncidentUpdate; updated: IncidentUpdate; resolved: IncidentUpdate }> {
  const h = await startIncidents({ quiet_period_ms: 60_000, runbook_base_url: 'https://runbooks.example.com' });
  const [opened] = await h.feed([failureEvent(1, { timestamp: at(0) }), failureEvent(2, { timestamp: at(10) })]);
  const [updated] = await h.feed([failureEvent(3, { timestamp: at(1_000) })]);
  const [resolved] = await h.advanceTo(T0 + 120_000);
  return { opened, updated, resolved };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(
  config: Record<string, unknown> = {},
  bufferDir?: string,
): Promise<{ receiver: RecordingReceiver; h: ExporterHarness }> {
  const receiver = await startRecordingReceiver({ status: 200 });
  cleanup.push(() => receiver.close());
  const h = await startExporter(webhook, { url: `${receiver.url}/alerts`, ...config }, { id: 'webhook/ops', bufferDir });
  cleanup.push(async () => h.exporter.shutdown?.());
  return { receiver, h };
}

describe('webhook exporter', () => {
  it('posts the Alertmanager webhook v4 payload: firing on trigger, resolved on resolve, nothing for plain updates', async () => {
    const { receiver, h } = await setup({ external_url: 'http://faultline.internal:8080' });
    const { opened, updated, resolved } = await lifecycle();
    await h.exporter.export(createBatch({ incidents: [opened, updated, resolved] }));
    const [firing, done] = await receiver.waitForRequests(2);
    await h.idle();
    expect(receiver.requests).toHaveLength(2);

    const id = opened.incident.incident_id;
    expect(firing.path).toBe('/alerts');
    expect(firing.headers['content-type']).toBe('application/json');
    expect(firing.body).toEqual({
      version: '4',
      groupKey: `{}:{incident_id="${id}"}`,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'webhook/ops',
      groupLabels: { incident_id: id },
      commonLabels: {
        alertname: 'GenAIProviderOutage',
        severity: 'error',
        priority: 'P2',
        category: 'provider',
        subtype: 'outage',
        provider: 'openai',
        model: 'gpt-4o',
        incident_id: id,
      },
      commonAnnotations: expect.objectContaining({
        summary: opened.incident.title,
        runbook: 'failover',
        runbook_url: 'https://runbooks.example.com/failover',
      }),
      externalURL: 'http://faultline.internal:8080',
      alerts: [
        {
          status: 'firing',
          labels: expect.objectContaining({ incident_id: id }),
          annotations: expect.objectContaining({ summary: opened.incident.title, impact: '2 events, 2 requests, 1 users, 1 teams' }),
          startsAt: at(0),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: `http://faultline.internal:8080/api/v1/incidents/${id}`,
          fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      ],
    });
    expect(done.body).toMatchObject({ status: 'resolved', alerts: [{ status: 'resolved', endsAt: at(61_000) }] });
    expect((done.body as { alerts: { fingerprint: string }[] }).alerts[0].fingerprint).toBe(
      (firing.body as { alerts: { fingerprint: string }[] }).alerts[0].fingerprint,
    );
    expect(firing.headers['x-faultline-notification-id']).not.toBe(done.headers['x-faultline-notification-id']);
    await expect.poll(() => h.metric('faultline_notifications_sent_total')).toBe(2);
  });

  it('signs the body with HMAC-SHA256 when a secret is set', async () => {
    const secret = 'a-secret-of-enough-length';
    const { receiver, h } = await setup({ secret });
    const { opened } = await lifecycle();
    await h.exporter.export(createBatch({ incidents: [opened] }));
    const [req] = await receiver.waitForRequests(1);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-faultline-signature']));
    expect(m).not.toBeNull();
    expect(m![2]).toBe(createHmac('sha256', secret).update(`${m![1]}.${req.text}`).digest('hex'));
  });

  it('retries a 503 after its Retry-After, then delivers', async () => {
    const { receiver, h } = await setup();
    receiver.respondWith({ status: 503, headers: { 'retry-after': '1' }, body: 'busy' });
    const { opened } = await lifecycle();
    await h.exporter.export(createBatch({ incidents: [opened] }));
    const [first] = await receiver.waitForRequests(1);
    const retryAt = await waitForTimer(h.time);
    expect(retryAt - h.time.clock.now()).toBe(1_000);
    expect(receiver.requests).toHaveLength(1);
    await h.time.advanceTo(retryAt);
    const [, second] = await receiver.waitForRequests(2);
    expect(second.text).toBe(first.text);
    expect(await h.metric('faultline_notifications_retries_total', 'webhook/ops')).toBe(1);
    await expect.poll(() => h.metric('faultline_notifications_sent_total', 'webhook/ops')).toBe(1);
  });

  it('does not retry a 400: logs the response body, counts it failed, and moves on to the next notification', async () => {
    const { receiver, h } = await setup();
    receiver.respondWith({ status: 400, body: '{"error":"unknown field foo"}' });
    const { opened, resolved } = await lifecycle();
    await h.exporter.export(createBatch({ incidents: [opened, resolved] }));
    await receiver.waitForRequests(2);
    await h.idle();
    expect(receiver.requests.map((r) => (r.body as { status: string }).status)).toEqual(['firing', 'resolved']);
    expect(await h.metric('faultline_notifications_failed_total')).toBe(1);
    expect(await h.metric('faultline_notifications_retries_total')).toBe(0);
    const warning = h.logs.find(
      (l) => l.msg === 'The receiver refused a notification; it will not be retried. Check the exporter configuration.',
    );
    expect(warning).toMatchObject({ status: 400, response: '{"error":"unknown field foo"}', action: 'trigger' });
  });

  it('delivers the trigger and the resolve, in order, once the receiver is back from an outage', async () => {
    const { receiver, h } = await setup();
    receiver.setDown(true);
    const { opened, resolved } = await lifecycle();
    await h.exporter.export(createBatch({ incidents: [opened, resolved] }));
    // Two failed attempts, each followed by a wait for its retry.
    await fireNextTimer(h.time);
    await waitForTimer(h.time);
    expect(receiver.requests).toHaveLength(0);
    expect(await h.metric('faultline_notifications_pending')).toBe(2);
    expect(await h.metric('faultline_notifications_retries_total')).toBe(2);
    receiver.setDown(false);
    await fireNextTimer(h.time);
    await receiver.waitForRequests(2);
    expect(receiver.requests.map((r) => (r.body as { status: string }).status)).toEqual(['firing', 'resolved']);
  });

  it('keeps unsent notifications across a restart and delivers them after it', async () => {
    const first = await setup();
    first.receiver.setDown(true);
    const { opened, resolved } = await lifecycle();
    await first.h.exporter.export(createBatch({ incidents: [opened, resolved] }));
    await first.h.exporter.shutdown?.();
    first.receiver.setDown(false);
    expect(first.receiver.requests).toHaveLength(0);

    const restarted = await startExporter(
      webhook,
      { url: `${first.receiver.url}/alerts` },
      { id: 'webhook/ops', bufferDir: first.h.bufferDir },
    );
    cleanup.push(async () => restarted.exporter.shutdown?.());
    await first.receiver.waitForRequests(2, 5_000);
    expect(first.receiver.requests.map((r) => (r.body as { status: string }).status)).toEqual(['firing', 'resolved']);
  });

  it('stops within its shutdown grace while a receiver hangs, and sends the notification after the next start', async () => {
    const first = await setup({ delivery: { shutdown_grace_ms: 300, timeout_ms: 30_000 } });
    first.receiver.setHanging(true);
    const { opened } = await lifecycle();
    await first.h.exporter.export(createBatch({ incidents: [opened] }));
    await first.receiver.waitForRequests(1);
    const started = Date.now();
    await first.h.exporter.shutdown?.();
    expect(Date.now() - started).toBeLessThan(2_000);

    first.receiver.setHanging(false);
    const restarted = await startExporter(
      webhook,
      { url: `${first.receiver.url}/alerts` },
      { id: 'webhook/ops', bufferDir: first.h.bufferDir },
    );
    cleanup.push(async () => restarted.exporter.shutdown?.());
    const [, again] = await first.receiver.waitForRequests(2, 5_000);
    expect(again.text).toBe(first.receiver.requests[0].text);
  });

  it('sends only the incidents its route selects', async () => {
    const { receiver, h } = await setup({ route: { severities: ['P1'] } });
    const { opened } = await lifecycle(); // P2
    await h.exporter.export(createBatch({ incidents: [opened] }));
    await h.idle();
    expect(receiver.requests).toHaveLength(0);
    expect(await h.metric('faultline_notifications_sent_total')).toBe(0);
  });

  it('ends the old alert when the severity changes, since severity is part of its identity', async () => {
    const { receiver, h } = await setup();
    const inc = await startIncidents();
    const [opened] = await inc.feed([failureEvent(1, { timestamp: at(0), severity: 'P3' })]);
    const [raised] = await inc.feed([failureEvent(2, { timestamp: at(1_000), severity: 'P1' })]);
    await h.exporter.export(createBatch({ incidents: [opened, raised] }));
    const [, second] = await receiver.waitForRequests(2);
    expect(
      (second.body as { alerts: { status: string; labels: { severity: string } }[] }).alerts.map((a) => [a.status, a.labels.severity]),
    ).toEqual([
      ['firing', 'critical'],
      ['resolved', 'warning'],
    ]);
  });
});
