// The postgres exporter against a real PostgreSQL (a fresh migrated schema for this file).
import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import type { IncidentUpdate } from '../../../agent/core/model/incident.ts';
import { openSpillBuffer } from '../../../agent/delivery/spill/index.ts';
import { encodeItem } from '../../../exporters/postgres/export-item.ts';
import { withTestSchema } from '../../support/database.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { buildExporter, eventually, removeTempSpillDirs, tempSpillPath, type ExporterUnderTest } from './exporter-under-test.ts';

const db = withTestSchema();
const started: ExporterUnderTest[] = [];
afterEach(async () => {
  for (const e of started.splice(0)) await e.exporter.shutdown?.();
});
afterAll(removeTempSpillDirs);
beforeEach(async () => {
  await db.pool.query('TRUNCATE failure_events, dead_letters, incidents, incident_events, incident_transitions CASCADE');
});

async function start(config: Record<string, unknown> = {}, spillPath?: string) {
  const e = await buildExporter(db.database, config, spillPath);
  started.push(e);
  await e.exporter.start?.();
  return e;
}

const events = (from: number, n: number) => Array.from({ length: n }, (_, i) => failureEvent(from + i));
const count = async (table: string) => Number((await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

function incidentUpdate(revision: number, overrides: Partial<IncidentUpdate['incident']> = {}): IncidentUpdate {
  const at = new Date(Date.UTC(2026, 10, 22, 8, revision)).toISOString();
  return {
    incident: {
      incident_id: 'inc-1',
      fingerprint: 'provider/outage/openai/gpt-4o',
      state: 'open',
      category: 'provider',
      subtype: 'outage',
      severity: revision > 1 ? 'P1' : 'P2',
      initial_severity: 'P2',
      provider: 'openai',
      model: 'gpt-4o',
      scope: { provider: 'openai', model: 'gpt-4o' },
      title: `OpenAI gpt-4o outage (${revision})`,
      runbook_url: null,
      event_count: revision * 10,
      affected_requests: revision * 10,
      affected_users: 3,
      affected_teams: 1,
      evidence_sample: [{ status_code: 503 }],
      first_seen_at: new Date(Date.UTC(2026, 10, 22, 8, 0)).toISOString(),
      last_seen_at: at,
      opened_at: new Date(Date.UTC(2026, 10, 22, 8, 0)).toISOString(),
      escalated_at: null,
      resolved_at: null,
      revision,
      cluster_id: null,
      caused_by: null,
      inhibited: false,
      symptoms: [],
      ...overrides,
    },
    transition: {
      transition_id: `inc-1/${revision === 1 ? 'opened' : 'updated'}/${revision}`,
      kind: revision === 1 ? 'opened' : 'updated',
      severity: 'P2',
      at,
      detail: {},
    },
    new_members: [{ failure_id: failureEvent(revision).failure_id, occurred_at: at }],
  };
}

describe('postgres exporter', () => {
  it('refuses to be built without a database, saying what to configure', async () => {
    await expect(buildExporter(null)).rejects.toThrow('the postgres exporter needs `storage:` in agent.yaml');
  });

  it('writes each failure event once, however often it is delivered', async () => {
    const e = await start();
    const batch = createBatch({ events: events(0, 250) });
    await e.exporter.export(batch);
    await e.exporter.export(batch);
    await e.exporter.export(createBatch({ events: events(200, 100) }));
    expect(await count('failure_events')).toBe(300);
    const row = (await db.pool.query('SELECT * FROM failure_events WHERE failure_id = $1', [failureEvent(7).failure_id])).rows[0];
    expect(row).toMatchObject({ category: 'provider', subtype: 'outage', severity: 'P2', team: 'search', route: '/v1/chat/completions' });
    expect(row.details).toMatchObject({ http_status: 503, error_class: 'ServiceUnavailableError' });
    expect(await e.metrics()).toMatchObject({ faultline_exporter_sent_items_total: 600, faultline_buffer_records: 0 });
  });

  it('keeps the highest revision of an incident and each transition and member once, whatever the order', async () => {
    const e = await start();
    await e.exporter.export(createBatch({ incidents: [incidentUpdate(1), incidentUpdate(3)] }));
    await e.exporter.export(createBatch({ incidents: [incidentUpdate(2), incidentUpdate(1)] }));
    const incident = (await db.pool.query('SELECT revision, title, event_count FROM incidents')).rows;
    expect(incident).toEqual([{ revision: '3', title: 'OpenAI gpt-4o outage (3)', event_count: '30' }]);
    expect(await count('incident_transitions')).toBe(3);
    expect(await count('incident_events')).toBe(3);
  });

  it('writes a resolved incident and its successor for the same fingerprint in one batch', async () => {
    const e = await start();
    await e.exporter.export(createBatch({ incidents: [incidentUpdate(1)] }));
    const next: IncidentUpdate = {
      ...incidentUpdate(1, { incident_id: 'inc-2' }),
      transition: {
        transition_id: 'inc-2/opened',
        kind: 'opened',
        severity: 'P2',
        at: new Date(Date.UTC(2026, 10, 22, 9)).toISOString(),
        detail: {},
      },
    };
    const resolved = incidentUpdate(2, { state: 'resolved', resolved_at: new Date(Date.UTC(2026, 10, 22, 8, 30)).toISOString() });
    await e.exporter.export(createBatch({ incidents: [next, resolved] }));
    const rows = (await db.pool.query('SELECT incident_id, state FROM incidents ORDER BY incident_id')).rows;
    expect(rows).toEqual([
      { incident_id: 'inc-1', state: 'resolved' },
      { incident_id: 'inc-2', state: 'open' },
    ]);
    expect(await count('dead_letters')).toBe(0);
  });

  it('puts a record PostgreSQL refuses in dead_letters with its reason and SQLSTATE, and writes the rest of the batch', async () => {
    const e = await start();
    // Past the model's validation (as a bug upstream could produce): a severity the table's CHECK refuses.
    const bad = { ...failureEvent(5), severity: 'P9' } as unknown as FailureEvent;
    // A NUL character: PostgreSQL text and jsonb cannot hold it (22P05 / 22021).
    const nul = { ...failureEvent(8), evidence: { status_code: 503, body: 'bad\u0000byte' } } as FailureEvent;
    const batch = [...events(0, 5), bad, ...events(6, 2), nul, ...events(9, 11)];
    await e.exporter.export(createBatch({ events: batch }));

    expect(await count('failure_events')).toBe(18);
    const letters = (
      await db.pool.query('SELECT source, record_type, record_key, record, reason, error_code FROM dead_letters ORDER BY record_key')
    ).rows;
    expect(letters).toHaveLength(2);
    const byKey = Object.fromEntries(letters.map((l) => [l.record_key, l]));
    expect(byKey[bad.failure_id]).toMatchObject({ source: 'postgres', record_type: 'failure_event', error_code: '23514' });
    expect(byKey[bad.failure_id].reason).toContain('failure_events_severity_check');
    expect(byKey[bad.failure_id].record).toMatchObject({ failure_id: bad.failure_id, severity: 'P9' });
    expect(byKey[nul.failure_id].error_code).toMatch(/^22/);
    expect(byKey[nul.failure_id].record.evidence.body).toBe('bad\ufffdbyte');
    expect(await e.metrics()).toMatchObject({ faultline_exporter_dead_lettered_items_total: 2, faultline_exporter_sent_items_total: 18 });
    expect(e.logs.some((l) => l.level === 50 && l.errorCode === '23514' && l.recordKey === bad.failure_id)).toBe(true);

    // Delivered again (a crash before the ack), the refusal is kept once.
    await e.exporter.export(createBatch({ events: [bad] }));
    expect(await count('dead_letters')).toBe(2);
  });

  it('spills a batch PostgreSQL does not commit within write_timeout_ms, and writes it once the table is free', async () => {
    const e = await start({ write_timeout_ms: 300 });
    const locker = await db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE failure_events IN ACCESS EXCLUSIVE MODE');
      await e.exporter.export(createBatch({ events: events(0, 50) }));
      expect(await e.metrics()).toMatchObject({ faultline_buffer_records: 50 });
      expect(e.ctx.health.snapshot().postgres).toMatchObject({ ready: true });
      expect(e.ctx.health.snapshot().postgres.detail).toContain('buffering to');
      // While the backlog waits, new batches queue behind it.
      await e.exporter.export(createBatch({ events: events(50, 10) }));
      expect(await e.metrics()).toMatchObject({ faultline_buffer_records: 60 });
    } finally {
      await locker.query('ROLLBACK');
      locker.release();
    }
    await eventually('the buffer to drain', async () => ((await e.metrics()).faultline_buffer_records === 0 ? true : undefined));
    expect(await count('failure_events')).toBe(60);
    const m = await e.metrics();
    expect(m.faultline_exporter_send_failed_items_total).toBeGreaterThanOrEqual(50);
    expect(m.faultline_buffer_oldest_age_seconds).toBe(0);
  });

  it('delivers records left in the spill file by an earlier run when it starts', async () => {
    const spillPath = tempSpillPath();
    const { buffer } = openSpillBuffer({ path: spillPath, maxBytes: 1e8, synchronous: 'FULL', logger: pino({ level: 'silent' }) });
    buffer.append(
      events(0, 120).map((value) => encodeItem({ lane: 'events', value })),
      Date.now(),
    );
    buffer.close();
    const e = await start({}, spillPath);
    await eventually('the buffer to drain', async () => ((await count('failure_events')) === 120 ? true : undefined));
    await eventually('the gauge to read zero', async () => ((await e.metrics()).faultline_buffer_records === 0 ? true : undefined));
  });

  it('quarantines a corrupted spill file on start, reports the loss in its log and counter, and keeps working', async () => {
    const spillPath = tempSpillPath();
    const { buffer } = openSpillBuffer({ path: spillPath, maxBytes: 1e8, synchronous: 'FULL', logger: pino({ level: 'silent' }) });
    buffer.append(
      events(0, 40).map((value) => encodeItem({ lane: 'events', value })),
      Date.now(),
    );
    buffer.close();
    damageEmptyTable(spillPath); // the records stay countable, the file fails its integrity check

    const e = await start({}, spillPath);
    expect(existsSync(`${spillPath}.corrupt-1`)).toBe(true);
    const log = e.logs.find((l) => l.quarantinedAs === `${spillPath}.corrupt-1`);
    expect(log).toMatchObject({ level: 50, lostRecords: 40 });
    expect(await e.metrics()).toMatchObject({ faultline_buffer_lost_records_total: 40 });
    await e.exporter.export(createBatch({ events: events(100, 5) }));
    expect(await count('failure_events')).toBe(5);
  });

  it('starts on a spill file that is not a database at all, saying it held no records it could recognize', async () => {
    const spillPath = tempSpillPath();
    writeFileSync(spillPath, 'not sqlite '.repeat(500));
    const e = await start({}, spillPath);
    const log = e.logs.find((l) => l.quarantinedAs === `${spillPath}.corrupt-1`);
    expect(String(log?.msg)).toContain(' 0 undelivered records are counted as lost');
    await e.exporter.export(createBatch({ events: events(0, 3) }));
    expect(await count('failure_events')).toBe(3);
  });
});

/** Overwrites the root page of the (empty) corrupt_records table with garbage. */
function damageEmptyTable(path: string): void {
  const raw = new Database(path);
  raw.pragma('journal_mode = DELETE'); // fold the WAL into the main file first
  const pageSize = raw.pragma('page_size', { simple: true }) as number;
  const { rootpage } = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'corrupt_records'").get() as { rootpage: number };
  raw.close();
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
}
