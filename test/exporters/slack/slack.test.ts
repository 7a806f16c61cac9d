import { afterEach, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import slack from '../../../exporters/slack/index.ts';
import { startExporter, type ExporterHarness } from '../../support/exporter-harness.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { startIncidents } from '../../support/incidents-harness.ts';
import { fireNextTimer, waitForTimer } from '../../support/manual-timers.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../../support/recording-receiver.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(config: Record<string, unknown> = {}): Promise<{ receiver: RecordingReceiver; h: ExporterHarness }> {
  const receiver = await startRecordingReceiver({ status: 200, body: 'ok' });
  cleanup.push(() => receiver.close());
  const h = await startExporter(slack, { webhook_url: `${receiver.url}/services/T/B/X`, ...config }, { id: 'slack/ops' });
  cleanup.push(async () => h.exporter.shutdown?.());
  return { receiver, h };
}

describe('slack exporter', () => {
  it('posts a message per trigger and resolve of a high-severity incident', async () => {
    const { receiver, h } = await setup({ min_interval_ms: 1 });
    const inc = await startIncidents({ quiet_period_ms: 60_000 });
    await inc.feed([failureEvent(1, { timestamp: at(0), severity: 'P1' })]);
    await inc.advanceTo(T0 + 120_000);
    await h.exporter.export(createBatch({ incidents: inc.updates }));
    await receiver.waitForRequests(1);
    await fireNextTimer(h.time); // min_interval_ms
    const [trigger, resolve] = await receiver.waitForRequests(2);
    expect((trigger.body as { text: string }).text).toMatch(
      /^:rotating_light: \*P1 provider outage on openai gpt-4o: 1 event, 1 request\*/,
    );
    expect((resolve.body as { text: string }).text).toMatch(/^:white_check_mark: \*Resolved:\* /);
    expect((trigger.body as { text: string }).text.split('\n').at(-1)).toBe('Runbook: failover');
  });

  it('collects low severities into one digest per interval', async () => {
    const { receiver, h } = await setup({ digest: { severities: ['P3', 'P4'], interval_ms: 600_000 } });
    const inc = await startIncidents();
    await inc.feed([
      failureEvent(1, { timestamp: at(0), severity: 'P3', subtype: 'rate_limited' }),
      failureEvent(2, { timestamp: at(0), severity: 'P4', subtype: 'rate_limit_headroom_low' }),
      failureEvent(3, { timestamp: at(0), severity: 'P3', category: 'cost', subtype: 'token_spike' }),
    ]);
    await h.exporter.export(createBatch({ incidents: inc.updates }));
    expect(await h.metric('faultline_notifications_pending')).toBe(0);
    await h.time.advanceTo(T0 + 600_000 - 1);
    expect(await h.metric('faultline_notifications_pending')).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    await h.time.advanceTo(T0 + 600_000);
    const [digest] = await receiver.waitForRequests(1);
    const text = (digest.body as { text: string }).text;
    expect(text.split('\n')[0]).toBe(':bookmark_tabs: faultline digest: 3 incidents');
    expect(text).toContain('P3 provider rate limited on openai gpt-4o');
    expect(text).toContain('P3 cost token spike on openai gpt-4o');
    await h.idle();
    expect(receiver.requests).toHaveLength(1);
  });

  it('leaves at least min_interval_ms between two messages', async () => {
    const { receiver, h } = await setup({ min_interval_ms: 300, digest: { severities: [] } });
    const inc = await startIncidents();
    await inc.feed([
      failureEvent(1, { timestamp: at(0), severity: 'P1' }),
      failureEvent(2, { timestamp: at(0), severity: 'P1', subtype: 'timeout' }),
      failureEvent(3, { timestamp: at(0), severity: 'P1', subtype: 'overloaded' }),
    ]);
    await h.exporter.export(createBatch({ incidents: inc.updates }));
    // Each message after the first waits 300 ms of clock time after the answer to the one before.
    await receiver.waitForRequests(1);
    const second = await waitForTimer(h.time);
    expect(second - h.time.clock.now()).toBe(300);
    expect(receiver.requests).toHaveLength(1);
    await h.time.advanceTo(second);
    await receiver.waitForRequests(2);
    const third = await waitForTimer(h.time);
    expect(third - second).toBe(300);
    expect(receiver.requests).toHaveLength(2);
    await h.time.advanceTo(third);
    await receiver.waitForRequests(3);
  });
});
