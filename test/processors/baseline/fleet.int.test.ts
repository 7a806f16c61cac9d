// Baselines in a fleet on a real PostgreSQL: two agents each see half of a key's calls and store
// their own learning as parts; the lease holder merges the parts into one profile per key, which
// both agents judge against, so a step one agent alone has too few calls to judge is found. A
// stopped agent's part is folded into the key's retired part, so a restarted agent (a new
// instance, learning afresh) leaves every call counted once.
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createManualTime, type ManualTime } from '../../../agent/core/clock.ts';
import type { Processor } from '../../../agent/core/component.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { BaselineSnapshot } from '../../../agent/core/model/baseline.ts';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import { soloLeadership, type Leadership } from '../../../agent/core/leadership.ts';
import baseline from '../../../processors/baseline/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { withTestSchema } from '../../support/database.ts';
import { leasesOn, until } from '../../support/fleet-leases.ts';
import { buildExporter, removeTempSpillDirs } from '../../exporters/postgres/exporter-under-test.ts';
import { calls, HOUR, MONDAY, type Found } from './traffic.ts';

const db = withTestSchema();
const lease = leasesOn(() => db.database);
afterAll(removeTempSpillDirs);

const MERGE_MS = 60_000;
/** A profile judges from 1,000 calls on: an hour and a half of history has 1,350, half of it fewer (even with the step's). */
const CONFIG = { scope: 'fleet', merge_interval_ms: MERGE_MS, flush_interval_ms: MERGE_MS, min_samples: 1_000, ready_samples: 1_200 };

interface Agent {
  name: string;
  leadership: Leadership;
  processor: Processor;
  time: ManualTime;
  found: Found[];
  /** Snapshots emitted and not yet stored. */
  unstored: BaselineSnapshot[];
}

async function registered(name: string, lastSeen = 'now()'): Promise<void> {
  await db.pool.query(
    `INSERT INTO agent_instances (instance_id, hostname, version, config_hash, last_seen_at) VALUES ($1, 'test', 'test', 'test', ${lastSeen})
     ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at`,
    [name],
  );
}

/** An agent of the fleet `fleet` (its lease's name); null: one on its own. */
async function agent(name: string, fleet: string | null, startMs: number, config: Record<string, unknown> = CONFIG): Promise<Agent> {
  await registered(name);
  const time = createManualTime(startMs);
  const leadership = fleet === null ? soloLeadership(name) : lease(name, fleet);
  const a: Agent = { name, leadership, processor: null as unknown as Processor, time, found: [], unstored: [] };
  a.processor = await baseline.create(
    baseline.configSchema.parse(config),
    makeProcessorContext({
      clock: time.clock,
      scheduler: time.scheduler,
      database: db.database,
      leadership: a.leadership,
      emit: async (b) => void a.unstored.push(...b.baselines),
    }),
  );
  await a.processor.start?.();
  return a;
}

/** Feeds calls in event-time order, 50 at a time, the agent's timers firing on the way. */
async function feed(a: Agent, list: LlmCall[]): Promise<void> {
  for (let i = 0; i < list.length; i += 50) {
    const chunk = list.slice(i, i + 50);
    await a.time.advanceTo(chunk[chunk.length - 1].timing.endMs);
    const out = await a.processor.process(createBatch({ calls: chunk }));
    for (const c of out.calls)
      for (const s of c.signals) if (s.detection_method === 'learned_baseline') a.found.push({ atMs: c.timing.endMs, signal: s });
  }
}

/** Stores what the agent emitted, as its postgres exporter would (rows under its own name). */
async function store(a: Agent): Promise<void> {
  const { exporter } = await buildExporter(db.database, {}, undefined, a.leadership);
  await exporter.start?.();
  await exporter.export(createBatch({ baselines: a.unstored.splice(0) }));
  await exporter.shutdown?.();
}

/** Moves the agent's clock on by a merge interval: it merges if it leads, and reads the merged profiles back. */
const mergeTick = (a: Agent) => a.time.advanceTo(a.time.clock.now() + MERGE_MS);

/**
 * Merge ticks of the leader until `done`: a merge reads parts below the horizon of running
 * transactions, which another test's transaction on the same server can hold back for a while.
 */
async function mergedUntil(leader: Agent, what: string, done: () => Promise<boolean>): Promise<void> {
  await until(what, async () => {
    await mergeTick(leader);
    return done();
  });
}

async function stop(a: Agent): Promise<void> {
  await a.processor.shutdown?.();
  a.time.stop();
}

const stored = async () =>
  (await db.pool.query('SELECT provider, model, samples::int AS samples, ready, agent_instance FROM baseline_profiles')).rows;
const parts = async () =>
  (await db.pool.query('SELECT agent_instance, samples::int AS samples FROM baseline_profile_parts ORDER BY agent_instance')).rows;

const history = (seed: number, startMs: number, hours: number) => [...calls({ seed, startMs, durationMs: hours * HOUR, rate: 0.25 })];
/** Half of the calls, alternately: one agent's share of the gateway's traffic. */
const half = (list: LlmCall[], parity: number) => list.filter((_, i) => i % 2 === parity);
/** Calls three times slower than the history's, from `startMs`. */
const slowStep = (seed: number, startMs: number, minutes: number) => [
  ...calls({ seed, startMs, durationMs: minutes * 60_000, rate: 0.25, latency: () => 3 }),
];

/** agent-a (the leader) and agent-b of `fleet`, each fed half of an hour and a half of history from `start`. */
async function twoAgentsWithHistory(fleet: string, seed: number, start: number) {
  const past = history(seed, start, 1.5);
  const a = await agent('agent-a', fleet, start);
  await until('agent-a to lead', () => a.leadership.isLeader());
  const b = await agent('agent-b', fleet, start);
  await feed(a, half(past, 0));
  await feed(b, half(past, 1));
  return { a, b, past };
}

describe('baselines in a fleet', () => {
  beforeEach(async () => {
    await db.pool.query('TRUNCATE baseline_profiles, baseline_profile_parts, provider_baselines, agent_instances');
  });

  it("judges every agent's calls against the profile merged from all of them", async () => {
    const fleet = 'baselines-judged';
    const start = MONDAY + 9 * HOUR;
    const { a, b, past } = await twoAgentsWithHistory(fleet, 1, start);
    const end = start + 1.5 * HOUR;
    // Both flush their parts; the leader merges them, then each reads the merged profile back.
    await a.time.advanceTo(end + 1_000);
    await b.time.advanceTo(end + 1_000);
    await store(a);
    await store(b);
    await mergedUntil(a, 'both parts merged', async () => (await stored())[0]?.samples === past.length);
    await mergeTick(b);

    const ownSamples = (await parts()).map((p) => p.samples);
    expect(ownSamples).toHaveLength(2);
    expect(ownSamples.every((n) => n < CONFIG.min_samples)).toBe(true);
    expect(await stored()).toEqual([
      { provider: 'anthropic', model: 'claude-sonnet-4-5', samples: past.length, ready: true, agent_instance: 'agent-a' },
    ]);

    // Three times slower, seen by the agent that does not lead: it judges on the fleet's profile.
    const stepAt = b.time.clock.now();
    const step = slowStep(2, stepAt, 10);
    await feed(b, step);
    expect(b.found.map((f) => f.signal.evidence.metric)).toContain('latency_p95');

    // The same agent on its own learning only has too few calls to judge the same step.
    const alone = await agent('agent-alone', null, start, { ...CONFIG, scope: 'agent', restore: false });
    await feed(alone, [...half(past, 1), ...step]);
    expect(alone.found).toEqual([]);
    for (const x of [a, b, alone]) await stop(x);
  });

  it("folds a stopped agent's part into the retired part, so a restart counts each call once", async () => {
    const fleet = 'baselines-retired';
    const start = MONDAY + 30 * HOUR;
    const { a, b, past } = await twoAgentsWithHistory(fleet, 3, start);
    await stop(b);
    await store(b);
    // agent-b is gone (not seen for an hour); agent-b2 takes its place on the node and learns afresh.
    await registered('agent-b', "now() - interval '1 hour'");
    const b2 = await agent('agent-b2', fleet, start + 1.5 * HOUR);
    const more = history(4, start + 1.5 * HOUR, 0.5);
    await feed(b2, half(more, 1));
    await a.time.advanceTo(start + 2 * HOUR);
    await b2.time.advanceTo(start + 2 * HOUR);
    await store(a);
    await store(b2);
    const total = half(past, 0).length + half(past, 1).length + half(more, 1).length;
    await mergedUntil(a, "agent-b's part retired and every part merged", async () => (await stored())[0]?.samples === total);

    expect((await parts()).map((p) => p.agent_instance)).toEqual(['', 'agent-a', 'agent-b2']);
    expect((await parts())[0].samples).toBe(half(past, 1).length);
    expect((await stored())[0].samples).toBe(total);
    // Merging again changes nothing: the retired part holds agent-b's calls once.
    await db.pool.query(`UPDATE baseline_profile_parts SET tx_id = pg_current_xact_id() WHERE agent_instance = 'agent-a'`);
    const recorded = async () => (await db.pool.query('SELECT recorded_at FROM baseline_profiles')).rows[0].recorded_at.getTime();
    const before = await recorded();
    await mergedUntil(a, 'the key merged again', async () => (await recorded()) > before);
    expect((await stored())[0].samples).toBe(total);
    expect((await parts()).map((p) => p.agent_instance)).toEqual(['', 'agent-a', 'agent-b2']);

    // The restarted agent judges against the fleet's history from the start.
    await mergeTick(b2);
    const stepAt = b2.time.clock.now();
    await feed(b2, slowStep(5, stepAt, 15));
    expect(b2.found.map((f) => f.signal.evidence.metric)).toContain('latency_p95');
    for (const x of [a, b2]) await stop(x);
  });
});
