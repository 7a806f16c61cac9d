// The skeleton the alert exporters share, through a minimal exporter of its own: routing, the
// outbox, periodic work on the manual clock, and shutdown, against a real HTTP receiver.
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineExporter } from '../../../../agent/core/component.ts';
import { ExportError } from '../../../../agent/core/errors.ts';
import { createBatch } from '../../../../agent/core/model/batch.ts';
import { createAlertExporter } from '../../../../agent/delivery/notify/alert-exporter.ts';
import { DeliveryConfig } from '../../../../agent/delivery/notify/delivery-config.ts';
import { notificationFor, notificationId, type Notification } from '../../../../agent/delivery/notify/notification.ts';
import { RouteConfig, type NotificationAction } from '../../../../agent/delivery/notify/route.ts';
import { startExporter } from '../../../support/exporter-harness.ts';
import { failureEvent } from '../../../support/failure-event-builder.ts';
import { startIncidents } from '../../../support/incidents-harness.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../../../support/recording-receiver.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** What the minimal exporter saw: each update's route decision, by incident severity. */
const seen: { severity: string; action: NotificationAction | null }[] = [];
/** What its periodic work and its shutdown flush hand over, set per test. */
let periodicOut: () => Notification[] = () => [];
let flushOut: () => Notification[] = () => [];

const minimal = defineExporter({
  type: 'minimal_alerts',
  description: 'Test: the alert skeleton with a JSON body of its own.',
  configSchema: z.strictObject({ url: z.string(), route: RouteConfig, delivery: DeliveryConfig }),
  create: (config, ctx) =>
    createAlertExporter({
      ctx,
      config,
      prepare: (n) => ({ url: config.url, headers: { 'x-key': 'from-config' }, body: JSON.stringify(n.body) }),
      notify(update, action) {
        seen.push({ severity: update.incident.severity, action });
        return action === null ? [] : [notificationFor(ctx.id, update, action, { action, severity: update.incident.severity })];
      },
      periodic: { intervalMs: 60_000, run: () => periodicOut() },
      flush: () => flushOut(),
    }),
});

const extra = (key: string): Notification => ({
  notification_id: notificationId('minimal_alerts', key),
  incident_id: null,
  action: 'update',
  body: { key },
});

async function setup(config: Record<string, unknown> = {}, bufferDir?: string) {
  const receiver = await startRecordingReceiver({ status: 200 });
  cleanup.push(() => receiver.close());
  const h = await startExporter(minimal, { url: `${receiver.url}/in`, ...config }, { bufferDir });
  cleanup.push(async () => h.exporter.shutdown?.());
  return { receiver, h };
}

const bodies = (r: RecordingReceiver) => r.requests.map((q) => q.body);

describe('alert exporter skeleton', () => {
  afterEach(() => {
    seen.length = 0;
    periodicOut = () => [];
    flushOut = () => [];
  });

  it('hands every update to the exporter with its route decision and sends what comes back', async () => {
    const { receiver, h } = await setup({ route: { severities: ['P1'] } });
    const inc = await startIncidents();
    await inc.feed([
      failureEvent(1, { timestamp: at(0), severity: 'P2' }),
      failureEvent(2, { timestamp: at(0), severity: 'P1', subtype: 'timeout' }),
    ]);
    await h.exporter.export(createBatch({ incidents: inc.updates }));
    await h.idle();
    expect(seen.sort((a, b) => a.severity.localeCompare(b.severity))).toEqual([
      { severity: 'P1', action: 'trigger' },
      { severity: 'P2', action: null },
    ]);
    expect(bodies(receiver)).toEqual([{ action: 'trigger', severity: 'P1' }]);
    expect(receiver.requests[0].headers['x-key']).toBe('from-config');
  });

  it('runs periodic work on the clock, and queues what it returns', async () => {
    const { receiver, h } = await setup();
    periodicOut = () => [extra(`tick/${h.time.clock.now()}`)];
    await h.time.advanceTo(T0 + 59_999);
    await h.idle();
    expect(receiver.requests).toHaveLength(0);
    await h.time.advanceTo(T0 + 120_000);
    await receiver.waitForRequests(2);
    expect(bodies(receiver)).toEqual([{ key: `tick/${T0 + 60_000}` }, { key: `tick/${T0 + 120_000}` }]);
  });

  it('stops periodic work at shutdown and queues what the flush returns, sent after the next start', async () => {
    const first = await setup();
    first.receiver.setDown(true);
    flushOut = () => [extra('held at shutdown')];
    let ticks = 0;
    periodicOut = () => (ticks++, []);
    await first.h.time.advanceTo(T0 + 60_000);
    expect(ticks).toBe(1);
    await first.h.exporter.shutdown?.();
    await first.h.time.advanceTo(T0 + 600_000);
    expect(ticks).toBe(1);
    first.receiver.setDown(false);

    flushOut = () => [];
    const restarted = await startExporter(minimal, { url: `${first.receiver.url}/in` }, { bufferDir: first.h.bufferDir });
    cleanup.push(async () => restarted.exporter.shutdown?.());
    await first.receiver.waitForRequests(1);
    expect(bodies(first.receiver)).toEqual([{ key: 'held at shutdown' }]);
  });

  it('refuses incidents after shutdown with a permanent ExportError naming the exporter', async () => {
    const { h } = await setup();
    const inc = await startIncidents();
    await inc.feed([failureEvent(1, { timestamp: at(0) })]);
    await h.exporter.shutdown?.();
    const err = await h.exporter.export(createBatch({ incidents: inc.updates })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportError);
    expect(err).toMatchObject({ retryable: false, message: expect.stringContaining('minimal_alerts received incidents') });
  });
});
