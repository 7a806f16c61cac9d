// spend_spike through the real chain: a team whose ordinary requests suddenly come many times as
// often (a runaway job) is reported once, with the rates and the window's spend; steady heavy
// traffic, a new team's first burst and a modest rise are not.
import { describe, expect, it } from 'vitest';
import { BASE_MS, litellmCall, type LiteLlmCallSpec } from '../../fixtures/spans/cost-data.ts';
import type { SpanInput } from '../../support/span-builder.ts';
import { startChain, subtypes } from './run-pipeline.ts';

const MIN = 60_000;

async function run(spans: SpanInput[], cost: Record<string, unknown> = {}) {
  const chain = await startChain({ detectors: { cost }, startMs: BASE_MS });
  const sorted = [...spans].sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0));
  // Ten spans per release, as a gateway's batching exporter would deliver them.
  for (let i = 0; i < sorted.length; i += 10) await chain.send(sorted.slice(i, i + 10));
  return chain.finish();
}

/** `count` calls from `fromMs`, one every `everyMs`. */
const calls = (n0: number, count: number, everyMs: number, fromMs: number, spec: Omit<LiteLlmCallSpec, 'n' | 'startMs'>): SpanInput[] =>
  Array.from({ length: count }, (_, i) => litellmCall({ ...spec, n: n0 + i, startMs: BASE_MS + fromMs + i * everyMs }));

const analytics = { team: 'team-analytics', model: 'gpt-4o-mini', costUsd: 0.0004 };

describe('spend_spike', () => {
  it('reports a team billing twenty times its usual rate once, with the rates, the key and the window spend', async () => {
    const usual = calls(1, 180, 10_000, 0, analytics); // 30 minutes at one request per 10 s
    const runaway = calls(1_000, 100, 500, 30 * MIN, analytics); // then two a second for 50 s
    const { events } = await run([...usual, ...runaway]);
    expect(subtypes(events)).toEqual(['cost/spend_spike']);
    expect(events[0]).toMatchObject({ severity: 'P2', detection_method: 'spend_rate' });
    expect(events[0].evidence).toMatchObject({ rule: 'token_rate_x10', key_kind: 'team', key: 'team-analytics', window_ms: 60_000 });
    const e = events[0].evidence as { baseline: number; observed: number; ratio: number; requests: number };
    expect(e.ratio).toBeGreaterThanOrEqual(10);
    expect(e.observed).toBeGreaterThanOrEqual(e.baseline * 10);
    expect(e.requests).toBeGreaterThanOrEqual(30);
    expect((events[0] as { cost_usd?: number }).cost_usd).toBeCloseTo(e.requests * 0.0004, 6); // the window's spend
  });

  it('stays quiet for steady heavy traffic, a new team starting with a burst, and a threefold rise', async () => {
    const steady = calls(1, 2_100, 1_000, 0, { ...analytics, team: 'team-busy' }); // one a second for 35 minutes
    const newcomer = calls(5_000, 100, 500, 10 * MIN, { ...analytics, team: 'team-new' });
    // 0.5 a second for 30 minutes, then 1.5 a second: enough requests, but only three times as many.
    const modest = [
      ...calls(7_000, 900, 2_000, 0, { ...analytics, team: 'team-modest' }),
      ...calls(9_000, 120, 667, 30 * MIN, { ...analytics, team: 'team-modest' }),
    ];
    const { events } = await run([...steady, ...newcomer, ...modest]);
    expect(events).toEqual([]);
  });

  it('can be switched off', async () => {
    const spans = [...calls(1, 180, 10_000, 0, analytics), ...calls(1_000, 100, 500, 30 * MIN, analytics)];
    const { events } = await run(spans, { spend_spike: { enabled: false } });
    expect(events).toEqual([]);
  });
});
