// The alertmanager exporter's sending rules, against local recording receivers standing in for
// Alertmanager instances (test/e2e/alertmanager.e2e.test.ts runs it against the real one).
import { afterEach, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import alertmanager from '../../../exporters/alertmanager/index.ts';
import type { PostableAlert } from '../../../exporters/alertmanager/postable-alert.ts';
import { withTestSchema } from '../../support/database.ts';
import { startExporter } from '../../support/exporter-harness.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { startIncidents } from '../../support/incidents-harness.ts';
import { waitForTimer } from '../../support/manual-timers.ts';
import { writeIncidentUpdates } from '../../support/incident-writer.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../../support/recording-receiver.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const alertsOf = (r: { body: unknown }) => r.body as PostableAlert[];

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function receivers(n: number): Promise<RecordingReceiver[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const r = await startRecordingReceiver({ status: 200 });
    cleanup.push(() => r.close());
    out.push(r);
  }
  return out;
}

describe('alertmanager exporter', () => {
  const db = withTestSchema();

  it('posts to /api/v2/alerts of every instance, and one instance being down does not hold back the other', async () => {
    const [a, b] = await receivers(2);
    b.setDown(true);
    const h = await startExporter(alertmanager, { endpoints: [a.url, `${b.url}/`] });
    cleanup.push(async () => h.exporter.shutdown?.());
    const inc = await startIncidents();
    await inc.feed([failureEvent(1, { timestamp: at(0) })]);
    await h.exporter.export(createBatch({ incidents: inc.updates }));
    const [req] = await a.waitForRequests(1);
    expect(req.path).toBe('/api/v2/alerts');
    expect(alertsOf(req)).toHaveLength(1);
    const retryAt = await waitForTimer(h.time); // b's first attempt failed; its retry waits
    expect(b.requests).toHaveLength(0);
    b.setDown(false);
    await h.time.advanceTo(retryAt);
    const [late] = await b.waitForRequests(1);
    expect(late.path).toBe('/api/v2/alerts');
    expect(late.text).toBe(req.text);
  });

  it('re-sends firing alerts every interval with endsAt four intervals ahead, and the resolve for a while after', async () => {
    const [am] = await receivers(1);
    const h = await startExporter(
      alertmanager,
      { endpoints: [am.url], resend_interval_ms: 60_000, resolved_resend_ms: 120_000 },
      { startMs: T0 },
    );
    cleanup.push(async () => h.exporter.shutdown?.());
    const inc = await startIncidents({ quiet_period_ms: 90_000 });
    await inc.feed([failureEvent(1, { timestamp: at(0) })]);
    await h.exporter.export(createBatch({ incidents: inc.updates }));
    const [trigger] = await am.waitForRequests(1);
    expect(alertsOf(trigger)[0]).toMatchObject({ startsAt: at(0), endsAt: at(240_000), labels: { severity: 'error' } });

    // Re-sends go only onto an empty queue, so let each send drain before the next tick.
    const drained = () => expect.poll(() => h.metric('faultline_notifications_pending')).toBe(0);
    await drained();
    await h.time.advanceTo(T0 + 60_000);
    const [, resend] = await am.waitForRequests(2);
    expect(alertsOf(resend).map((a) => [a.labels.incident_id, a.endsAt])).toEqual([[inc.updates[0].incident.incident_id, at(300_000)]]);
    await drained();

    const resolved = await inc.advanceTo(T0 + 100_000);
    await h.time.advanceTo(T0 + 100_000);
    await h.exporter.export(createBatch({ incidents: resolved }));
    const [, , resolve] = await am.waitForRequests(3);
    expect(alertsOf(resolve).map((a) => a.endsAt)).toEqual([at(90_000)]);

    await drained();
    await h.time.advanceTo(T0 + 120_000);
    await am.waitForRequests(4);
    await drained();
    await h.time.advanceTo(T0 + 180_000); // still within resolved_resend_ms of the resolve
    await am.waitForRequests(5);
    await drained();
    expect(alertsOf(am.requests[4]).map((a) => a.endsAt)).toEqual([at(90_000)]);
    await h.time.advanceTo(T0 + 300_000); // past it: nothing left to send
    await h.idle();
    expect(am.requests).toHaveLength(5);
  });

  it('keeps firing, after a restart, the open incidents the store holds', async () => {
    const [am] = await receivers(1);
    const inc = await startIncidents({}, { database: db.database, onUpdates: (u) => writeIncidentUpdates(db.database, u) });
    await inc.feed([
      failureEvent(1, { timestamp: at(0), severity: 'P1' }),
      failureEvent(2, { timestamp: at(0), severity: 'P4', subtype: 'rate_limit_headroom_low' }),
    ]);
    const h = await startExporter(
      alertmanager,
      { endpoints: [am.url], route: { severities: ['P1', 'P2'] } },
      { database: db.database, startMs: T0 + 30_000 },
    );
    cleanup.push(async () => h.exporter.shutdown?.());
    await h.time.advanceTo(T0 + 90_000);
    const [resend] = await am.waitForRequests(1);
    expect(alertsOf(resend).map((a) => a.labels.subtype)).toEqual(['outage']);
  });
});
