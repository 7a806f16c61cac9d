// The notification log: what each notification about an incident became, in PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import webhook from '../../../exporters/webhook/index.ts';
import { withTestSchema } from '../../support/database.ts';
import { startExporter } from '../../support/exporter-harness.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { startIncidents } from '../../support/incidents-harness.ts';
import { writeIncidentUpdates } from '../../support/incident-writer.ts';
import { fireNextTimer } from '../../support/manual-timers.ts';
import { startRecordingReceiver } from '../../support/recording-receiver.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('notification log', () => {
  const db = withTestSchema();

  it('records each notification as sent (with its attempts) or failed (with the reason)', async () => {
    const receiver = await startRecordingReceiver({ status: 200 });
    cleanup.push(() => receiver.close());
    receiver.respondWith({ status: 503 }, { status: 200 }, { status: 400, body: 'bad' });
    const inc = await startIncidents(
      { quiet_period_ms: 60_000 },
      { database: db.database, onUpdates: (u) => writeIncidentUpdates(db.database, u) },
    );
    await inc.feed([failureEvent(1, { timestamp: at(0) })]);
    await inc.advanceTo(T0 + 120_000);
    const h = await startExporter(webhook, { url: receiver.url }, { id: 'webhook/ops', database: db.database });
    cleanup.push(async () => h.exporter.shutdown?.());
    await h.exporter.export(createBatch({ incidents: inc.updates }));
    await receiver.waitForRequests(1);
    await fireNextTimer(h.time); // the retry after the 503
    await receiver.waitForRequests(3);

    const rows = async () =>
      (
        await db.pool.query(
          'SELECT incident_id, receiver, action, status, attempts, last_error, sent_at IS NOT NULL AS has_sent_at FROM notification_log ORDER BY action DESC',
        )
      ).rows;
    await expect.poll(async () => (await rows()).map((r) => r.status)).toEqual(['sent', 'failed']);
    const id = inc.updates[0].incident.incident_id;
    expect(await rows()).toEqual([
      { incident_id: id, receiver: 'webhook/ops', action: 'trigger', status: 'sent', attempts: 2, last_error: null, has_sent_at: true },
      {
        incident_id: id,
        receiver: 'webhook/ops',
        action: 'resolve',
        status: 'failed',
        attempts: 1,
        last_error: 'HTTP 400',
        has_sent_at: false,
      },
    ]);
  });
});
