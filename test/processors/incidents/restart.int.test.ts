// A restart mid-incident: the incidents lane is written to the store (as the postgres exporter
// does), the processor stops, a new one starts on the same database and carries on.
import { describe, expect, it } from 'vitest';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { withTestSchema } from '../../support/database.ts';
import { startIncidents } from '../../support/incidents-harness.ts';
import { writeIncidentUpdates } from '../../support/incident-writer.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('incidents processor across a restart', () => {
  const db = withTestSchema();

  it('neither duplicates nor loses an open incident, and resolves it once after the restart', async () => {
    const options = {
      database: db.database,
      onUpdates: (u: Parameters<typeof writeIncidentUpdates>[1]) => writeIncidentUpdates(db.database, u),
    };
    const config = { quiet_period_ms: 300_000 };
    const first = await startIncidents(config, { ...options, startMs: T0 });
    for (let i = 0; i < 5; i++) await first.feed([failureEvent(i + 1, { timestamp: at(i * 1_000) })]);
    await first.processor.shutdown?.();

    const second = await startIncidents(config, { ...options, startMs: T0 + 60_000 });
    for (let i = 5; i < 10; i++) await second.feed([failureEvent(i + 1, { timestamp: at(60_000 + i * 1_000) })]);
    await second.advanceTo(T0 + 60_000 + 9_000 + 300_000 + 10_000);

    expect(second.updates.map((u) => u.transition.kind)).toEqual(['updated', 'updated', 'updated', 'updated', 'updated', 'resolved']);
    const id = first.updates[0].incident.incident_id;
    expect(new Set(second.updates.map((u) => u.incident.incident_id))).toEqual(new Set([id]));

    const incidents = await db.pool.query('SELECT incident_id, state, event_count, revision, opened_at, resolved_at FROM incidents');
    expect(incidents.rows).toEqual([
      {
        incident_id: id,
        state: 'resolved',
        event_count: '10',
        revision: '11',
        opened_at: new Date(at(0)),
        resolved_at: new Date(at(69_000 + 300_000)),
      },
    ]);
    const members = await db.pool.query('SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1', [id]);
    expect(members.rows[0].n).toBe(10);
    const transitions = await db.pool.query('SELECT kind, count(*)::int AS n FROM incident_transitions GROUP BY kind ORDER BY kind');
    expect(transitions.rows).toEqual([
      { kind: 'opened', n: 1 },
      { kind: 'resolved', n: 1 },
      { kind: 'updated', n: 9 },
    ]);
  });

  it('resolves at start an incident that went quiet while the agent was down', async () => {
    const options = {
      database: db.database,
      onUpdates: (u: Parameters<typeof writeIncidentUpdates>[1]) => writeIncidentUpdates(db.database, u),
    };
    const first = await startIncidents({}, { ...options, startMs: T0 + 10_000_000 });
    await first.feed([failureEvent(500, { timestamp: at(10_000_000), subtype: 'timeout' })]);
    await first.processor.shutdown?.();

    const second = await startIncidents({ check_interval_ms: 1_000 }, { ...options, startMs: T0 + 20_000_000 });
    await second.advanceTo(T0 + 20_001_000);
    expect(second.updates.map((u) => [u.transition.kind, u.incident.incident_id, u.incident.resolved_at])).toEqual([
      ['resolved', first.updates[0].incident.incident_id, at(10_000_000 + 300_000)],
    ]);
    const open = await db.pool.query("SELECT count(*)::int AS n FROM incidents WHERE state = 'open'");
    expect(open.rows[0].n).toBe(0);
  });
});
