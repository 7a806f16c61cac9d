// A restart: the baselines lane is written by the real postgres exporter, the processor stops, a
// new one starts on the same database, restores the profiles and judges against the same history.
import { afterAll, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { BaselineSnapshot } from '../../../agent/core/model/baseline.ts';
import type { Leadership } from '../../../agent/core/leadership.ts';
import { withTestSchema } from '../../support/database.ts';
import { leasesOn } from '../../support/fleet-leases.ts';
import { buildExporter, removeTempSpillDirs } from '../../exporters/postgres/exporter-under-test.ts';
import { calls, HOUR, MONDAY, runOnEventTime } from './traffic.ts';

describe('baseline processor across a restart', () => {
  const db = withTestSchema();
  afterAll(removeTempSpillDirs);

  const lease = leasesOn(() => db.database);
  const store = async (snapshots: BaselineSnapshot[], leadership?: Leadership) => {
    const { exporter } = await buildExporter(db.database, {}, undefined, leadership);
    await exporter.start?.();
    await exporter.export(createBatch({ baselines: snapshots }));
    await exporter.shutdown?.();
  };

  it('stores each profile and its hours, restores them, and judges a step right after the restart', async () => {
    const start = MONDAY + 8 * HOUR;
    const before = await runOnEventTime(
      { database: db.database, startMs: start },
      calls({ seed: 1, startMs: start, durationMs: 3 * HOUR, rate: 1 }),
    );
    const written = await before.stop();
    await store(written);
    const last = written.at(-1)!;

    const profiles = await db.pool.query('SELECT provider, model, samples, ready, slot, updated_at, baseline FROM baseline_profiles');
    expect(profiles.rows).toEqual([
      {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        samples: String(last.samples),
        ready: true,
        slot: last.slot,
        updated_at: new Date(last.at),
        baseline: last.baseline,
      },
    ]);
    const hours = await db.pool.query(
      `SELECT measured_at, sample_count FROM provider_baselines WHERE metric_name = 'error_rate' ORDER BY measured_at`,
    );
    expect(hours.rows.map((r) => [r.measured_at.toISOString(), Number(r.sample_count)])).toEqual([
      [new Date(start).toISOString(), expect.any(Number)],
      [new Date(start + HOUR).toISOString(), expect.any(Number)],
      [new Date(start + 2 * HOUR).toISOString(), expect.any(Number)],
    ]);
    expect(hours.rows.reduce((sum, r) => sum + Number(r.sample_count), 0)).toBe(last.samples);

    // The new agent: five minutes later, the provider three times slower at once.
    const resumeAt = start + 3 * HOUR + 5 * 60_000;
    const step = calls({ seed: 2, startMs: resumeAt, durationMs: 10 * 60_000, rate: 1, latency: () => 3 });
    const after = await runOnEventTime({ database: db.database, startMs: resumeAt }, step);
    const resumed = await after.stop();
    expect(resumed[0].samples).toBeGreaterThan(last.samples);
    expect(after.found.map((f) => f.signal.evidence.metric)).toContain('latency_p95');
    expect(after.found[0].atMs - resumeAt).toBeLessThan(300_000);
    // Without the stored history the same calls are too few to judge.
    const fresh = await runOnEventTime(
      { startMs: resumeAt },
      calls({ seed: 2, startMs: resumeAt, durationMs: 10 * 60_000, rate: 1, latency: () => 3 }),
    );
    await fresh.stop();
    expect(fresh.found).toEqual([]);
  });

  it('answers the same baseline figures after a restart as before it', async () => {
    const start = MONDAY + 30 * HOUR;
    const first = await runOnEventTime(
      { database: db.database, startMs: start },
      calls({ seed: 3, startMs: start, durationMs: 1.5 * HOUR, rate: 1, provider: 'openai', model: 'gpt-4o' }),
    );
    const before = (await first.stop()).at(-1)!;
    await store([before]);
    const oneMore = calls({
      seed: 4,
      startMs: Date.parse(before.at) + 1_000,
      durationMs: 2_000,
      rate: 1,
      provider: 'openai',
      model: 'gpt-4o',
    });
    const second = await runOnEventTime({ database: db.database, startMs: Date.parse(before.at) }, oneMore);
    const after = (await second.stop()).at(-1)!;
    expect(after.slot).toBe(before.slot);
    expect(after.baseline).toEqual(before.baseline);
  });

  it("adds a restarted process's calls of the hour in progress to that hour's rows, counting each call once", async () => {
    // Each process is a new agent instance (its own lease holder), as live; each keeps to its own learning.
    const config = { scope: 'agent' };
    const hour = MONDAY + 50 * HOUR;
    const first = lease('first-process', 'restart-first');
    const firstCalls = [
      ...calls({ seed: 5, startMs: hour, durationMs: 40 * 60_000, rate: 0.5, provider: 'google', model: 'gemini-2.5-pro' }),
    ];
    const before = await runOnEventTime({ database: db.database, startMs: hour, config, leadership: first }, firstCalls);
    const firstSnapshots = await before.stop();
    await store(firstSnapshots, first);

    const second = lease('second-process', 'restart-second');
    const resumeAt = hour + 40 * 60_000 + 1_000;
    const secondCalls = [
      ...calls({ seed: 6, startMs: resumeAt, durationMs: 15 * 60_000, rate: 0.5, provider: 'google', model: 'gemini-2.5-pro' }),
    ];
    const after = await runOnEventTime({ database: db.database, startMs: resumeAt, config, leadership: second }, secondCalls);
    const secondSnapshots = await after.stop();
    await store(secondSnapshots, second);

    const { rows } = await db.pool.query(
      `SELECT agent_instance, sample_count::int AS n FROM provider_baselines
        WHERE metric_name = 'error_rate' AND provider = 'google' AND measured_at = $1 ORDER BY agent_instance`,
      [new Date(hour)],
    );
    expect(rows.map((r) => r.agent_instance)).toEqual(['first-process', 'second-process']);
    expect(rows.reduce((sum, r) => sum + r.n, 0)).toBe(firstCalls.length + secondCalls.length);
    // The profile itself was restored: the second process's samples go on from the first's.
    expect(secondSnapshots.at(-1)!.samples).toBeGreaterThan(firstSnapshots.at(-1)!.samples);
  });
});
