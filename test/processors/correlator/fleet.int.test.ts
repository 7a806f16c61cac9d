// Correlation in a fleet on a real PostgreSQL: two agents each see half of one outage's failures;
// the lease holder links its own as they pass and the other's from the store, into one cluster;
// the other agent links nothing. After a handover the new leader reads the clusters back and goes on.
import { afterAll, describe, expect, it } from 'vitest';
import { createManualTime, type ManualTime } from '../../../agent/core/clock.ts';
import type { Processor } from '../../../agent/core/component.ts';
import { createBatch, type Batch } from '../../../agent/core/model/batch.ts';
import type { CorrelationUpdate } from '../../../agent/core/model/correlation.ts';
import type { Lease } from '../../../agent/store/lease.ts';
import type { IncidentUpdate } from '../../../agent/core/model/incident.ts';
import correlator from '../../../processors/correlator/index.ts';
import incidents from '../../../processors/incidents/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { withTestSchema } from '../../support/database.ts';
import { leasesOn, until } from '../../support/fleet-leases.ts';
import { outage, T0, type Stream } from '../../support/failure-streams.ts';
import { buildExporter, removeTempSpillDirs } from '../../exporters/postgres/exporter-under-test.ts';

const db = withTestSchema();
const POLL_MS = 1_000;

const lease = leasesOn(() => db.database);
afterAll(removeTempSpillDirs);

interface Agent {
  lease: Lease;
  processor: Processor;
  time: ManualTime;
  /** What it passed on: its batches' correlations and what its timers emitted. */
  correlations: CorrelationUpdate[];
  /** Batches to store as its postgres exporter would. */
  toStore: Batch[];
}

async function agent(l: Lease): Promise<Agent> {
  const time = createManualTime(T0);
  const a: Agent = { lease: l, processor: null as unknown as Processor, time, correlations: [], toStore: [] };
  a.processor = await correlator.create(
    correlator.configSchema.parse({ scope: 'fleet', poll_interval_ms: POLL_MS }),
    makeProcessorContext({
      clock: time.clock,
      scheduler: time.scheduler,
      database: db.database,
      leadership: l,
      emit: async (b) => {
        a.correlations.push(...b.correlations);
        a.toStore.push(b);
      },
    }),
  );
  await a.processor.start?.();
  return a;
}

async function feed(a: Agent, s: Stream): Promise<Batch> {
  const out = await a.processor.process(createBatch({ events: s.events, calls: s.calls }));
  a.correlations.push(...out.correlations);
  a.toStore.push(out);
  return out;
}

/** Stores what the agent passed on, as its postgres exporter would (its rows under its own name). */
async function store(a: Agent): Promise<void> {
  const { exporter } = await buildExporter(db.database, {}, undefined, a.lease);
  await exporter.start?.();
  for (const b of a.toStore.splice(0)) await exporter.export(b);
  await exporter.shutdown?.();
}

/** The newest revision of each cluster the agent passed on. */
function clusters(a: Agent): CorrelationUpdate['cluster'][] {
  const newest = new Map<string, CorrelationUpdate['cluster']>();
  for (const { cluster } of a.correlations) {
    const seen = newest.get(cluster.cluster_id);
    if (!seen || seen.revision < cluster.revision) newest.set(cluster.cluster_id, cluster);
  }
  return [...newest.values()];
}

const half = (s: Stream, parity: number): Stream => ({
  events: s.events.filter((_, i) => i % 2 === parity),
  calls: s.calls.filter((_, i) => i % 2 === parity),
});

describe('correlation across a fleet', () => {
  it("links the failures every agent stored into the lease holder's clusters, and goes on after a handover", async () => {
    const name = `correlator-fleet-${Date.now()}`;
    const leaseA = lease('agent-a', name);
    await until('agent-a to lead', () => leaseA.isLeader());
    const a = await agent(leaseA);
    const b = await agent(lease('agent-b', name));

    const first = outage({ fromMs: 60_000, requests: 40, everyMs: 3_000, provider: 'anthropic', models: ['claude-sonnet-4-5'] });
    await feed(a, half(first, 0));
    const passedByB = await feed(b, half(first, 1));
    expect(passedByB.correlations).toEqual([]);
    expect(clusters(a)).toHaveLength(1);
    expect(clusters(a)[0].event_count).toBe(20);

    // Both agents' exporters store their failures; the leader's next poll links b's (its own are not read twice).
    await store(a);
    await store(b);
    await until('the leader to link agent-b’s failures', async () => {
      await a.time.advanceTo(a.time.clock.now() + POLL_MS);
      return clusters(a)[0].event_count === 40;
    });
    expect(clusters(a)).toHaveLength(1);
    expect(b.correlations).toEqual([]);
    const { rows } = await db.database.pool.query("SELECT epoch FROM fleet_cursors WHERE name = 'correlator'");
    expect(rows).toHaveLength(1);

    // Handover: b leads, reads the active cluster back, and links a's later failures into it.
    await store(a);
    await leaseA.stop();
    await until('agent-b to lead', () => b.lease.isLeader());
    const later = outage({
      fromMs: 60_000 + 40 * 3_000,
      requests: 10,
      everyMs: 3_000,
      provider: 'anthropic',
      models: ['claude-sonnet-4-5'],
    });
    const passedByA = await feed(a, later);
    expect(passedByA.correlations).toEqual([]);
    await store(a);
    await until('the new leader to link agent-a’s later failures', async () => {
      await b.time.advanceTo(b.time.clock.now() + POLL_MS);
      return clusters(b).some((c) => c.event_count === 50);
    });
    expect(new Set(clusters(b).map((c) => c.cluster_id))).toEqual(new Set(clusters(a).map((c) => c.cluster_id)));
  }, 60_000);

  it("has the incidents leader group another agent's failures only once the correlator has linked them", async () => {
    const name = `correlator-order-${Date.now()}`;
    const leaseA = lease('agent-a', name);
    await until('agent-a to lead', () => leaseA.isLeader());
    const leaseB = lease('agent-b', name);
    const time = createManualTime(T0);
    const context = (emit: (b: Batch) => Promise<void>) =>
      makeProcessorContext({ clock: time.clock, scheduler: time.scheduler, database: db.database, leadership: leaseA, emit });
    // The incidents processor first, so its poll runs before the correlator's at every tick: the
    // order in which its events would reach it unlinked if it did not wait for the correlator.
    const opened: IncidentUpdate[] = [];
    const grouping = await incidents.create(
      incidents.configSchema.parse({ scope: 'fleet', poll_interval_ms: POLL_MS }),
      context(async (b) => void opened.push(...b.incidents)),
    );
    const linking = await correlator.create(
      correlator.configSchema.parse({ scope: 'fleet', poll_interval_ms: POLL_MS }),
      context(async (b) => void (await grouping.process(b))), // as the pipeline passes the clusters on
    );
    await grouping.start?.();
    await linking.start?.();
    await time.advanceTo(T0 + POLL_MS); // both read their cursors back; nothing stored yet

    const other: Agent = { lease: leaseB, processor: linking, time, correlations: [], toStore: [] };
    const failures = outage({ fromMs: 60_000, requests: 12, everyMs: 3_000, provider: 'openai', models: ['gpt-4o'] });
    other.toStore.push(createBatch({ events: failures.events, calls: failures.calls }));
    await store(other);

    await until('an incident for agent-b’s failures', async () => {
      await time.advanceTo(time.clock.now() + POLL_MS);
      return opened.some((u) => u.incident.event_count === 12);
    });
    const incident = opened.filter((u) => u.incident.event_count === 12).at(-1)!.incident;
    expect(incident.cluster_id).not.toBeNull();
    // Every update of it carried the cluster: it was never grouped ahead of the correlator.
    expect(opened.filter((u) => u.incident.incident_id === incident.incident_id).map((u) => u.incident.cluster_id)).not.toContain(null);
    await linking.shutdown?.();
    await grouping.shutdown?.();
  }, 60_000);
});
