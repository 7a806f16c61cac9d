// SLOs in a fleet on a real PostgreSQL: two agents, each counting its own share of the traffic and
// storing its minute counts through the real postgres exporter, the lease deciding which one
// evaluates. Bad requests spread so that neither agent holds enough to page alone.
import { afterAll, describe, expect, it } from 'vitest';
import { createManualTime, type ManualTime } from '../../../agent/core/clock.ts';
import type { Processor } from '../../../agent/core/component.ts';
import { createBatch, type Batch } from '../../../agent/core/model/batch.ts';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { SloUpdate } from '../../../agent/core/model/slo.ts';
import type { Lease } from '../../../agent/store/lease.ts';
import slo from '../../../processors/slo/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { withTestSchema } from '../../support/database.ts';
import { leasesOn, until } from '../../support/fleet-leases.ts';
import { buildExporter, removeTempSpillDirs } from '../../exporters/postgres/exporter-under-test.ts';
import { calls } from '../baseline/traffic.ts';

const db = withTestSchema();
const START = Date.parse('2026-03-02T10:00:00Z');
const CONFIG = {
  objectives: [{ name: 'chat-availability', sli: { kind: 'availability' }, objective: 0.99, window_days: 28 }],
  evaluation_interval_ms: 30_000,
  min_bad_events: 5,
};

const lease = leasesOn(() => db.database);
afterAll(removeTempSpillDirs);

interface Agent {
  processor: Processor;
  time: ManualTime;
  emitted: Batch[];
}

async function agent(leadership: Lease | null, config: Record<string, unknown> = CONFIG): Promise<Agent> {
  const time = createManualTime(START);
  const emitted: Batch[] = [];
  const processor = await slo.create(
    slo.configSchema.parse(config),
    makeProcessorContext({
      clock: time.clock,
      scheduler: time.scheduler,
      database: db.database,
      ...(leadership ? { leadership } : {}),
      emit: async (b) => void emitted.push(b),
    }),
  );
  await processor.start?.();
  return { processor, time, emitted };
}

/** Twenty requests over the first four minutes, the last four failed: below min_bad_events alone. */
function share(seed: number): LlmCall[] {
  const all = [...calls({ seed, startMs: START, durationMs: 4 * 60_000, rate: 0.2, errorRate: 0 })].slice(0, 20);
  expect(all).toHaveLength(20);
  for (const c of all.slice(-4)) {
    c.outcome = 'error';
    c.signals = [{ category: 'provider', subtype: 'outage', detection_method: 'status_code', confidence: 1, evidence: {}, fields: {} }];
  }
  return all;
}

async function feed(a: Agent, requests: LlmCall[]): Promise<void> {
  await a.processor.process(createBatch({ calls: requests }));
}

/** Stores what the agent emitted so far, as its postgres exporter would, and forgets it. */
async function store(a: Agent): Promise<void> {
  const { exporter } = await buildExporter(db.database);
  await exporter.start?.();
  for (const b of a.emitted.splice(0)) await exporter.export(b);
  await exporter.shutdown?.();
}

const statuses = (a: Agent): SloUpdate[] => a.emitted.flatMap((b) => b.slos).filter((u) => u.status !== null);
const burns = (a: Agent) => a.emitted.flatMap((b) => b.events).filter((e) => e.subtype === 'slo_burn');
const hour = (u: SloUpdate) => u.status!.windows.find((w) => w.window === '1h')!;

describe('SLOs evaluated for a fleet', () => {
  it('pages on bad requests spread across agents, evaluated once by the lease holder over every agent’s counts', async () => {
    const name = `slo-fleet-${Date.now()}`;
    const leaseA = lease('agent-a', name);
    await until('agent-a to lead', () => leaseA.isLeader());
    const leaseB = lease('agent-b', name);
    const a = await agent(leaseA);
    const b = await agent(leaseB);
    await feed(a, share(1));
    await feed(b, share(2));

    // First evaluation: the leader has read nobody else's counts yet (b has stored nothing).
    const firstEval = START + 5 * 60_000;
    await b.time.advanceTo(firstEval);
    await a.time.advanceTo(firstEval);
    expect(statuses(b)).toEqual([]);
    expect(burns(b)).toEqual([]);
    expect(hour(statuses(a).at(-1)!)).toMatchObject({ total: 20, bad: 4 });
    expect(burns(a)).toEqual([]);

    // b's minute counts reach the database; an evaluation of the leader's reads them (the first one
    // whose horizon has passed b's write: another test's transaction on the server can hold it back).
    await store(b);
    let evaluatedAt = firstEval;
    await until('the leader to read b’s stored counts', async () => {
      await a.time.advanceTo((evaluatedAt += 30_000));
      return hour(statuses(a).at(-1)!).total === 40;
    });
    expect(hour(statuses(a).at(-1)!)).toMatchObject({ total: 40, bad: 8 });
    expect(burns(a)).toHaveLength(1);
    const paged = burns(a)[0];
    expect(paged.severity).toBe('P1');

    // Either share alone, evaluated by one agent for itself, never pages.
    const alone = await agent(null, { ...CONFIG, scope: 'agent' });
    await feed(alone, share(2));
    await alone.time.advanceTo(firstEval + 30_000);
    expect(hour(statuses(alone).at(-1)!)).toMatchObject({ total: 20, bad: 4 });
    expect(burns(alone)).toEqual([]);

    // Handover: the leader hands the lease back; b takes it, reads a's stored counts, and pages.
    await store(a);
    await leaseA.stop();
    await until('agent-b to lead', () => leaseB.isLeader());
    let bEvaluatedAt = firstEval;
    await until('agent-b to read a’s stored counts', async () => {
      await b.time.advanceTo((bEvaluatedAt += 30_000));
      return statuses(b).length > 0 && hour(statuses(b).at(-1)!).total === 40;
    });
    expect(hour(statuses(b).at(-1)!)).toMatchObject({ total: 40, bad: 8 });
    expect(burns(b)).toHaveLength(1);
    const key = (e: ReturnType<typeof burns>[number]) => [e.category, e.subtype, e.provider, e.model, e.severity];
    expect(key(burns(b)[0])).toEqual(key(paged));
    // Only the evaluating agent stores a status: b's came while it did not lead.
    const stored = await db.pool.query('SELECT agent_instance FROM slo_status WHERE slo = $1 ORDER BY agent_instance', [
      'chat-availability',
    ]);
    expect(stored.rows.map((r) => r.agent_instance)).toEqual(['agent-a']);
  });
});
