// The bounded, event-time building blocks the cost and data checks share, and the bound seen
// from outside: a forgotten key starts over.
import { describe, expect, it } from 'vitest';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import { createBucketSums } from '../../../processors/detectors/bucket-sums.ts';
import { CostConfig } from '../../../processors/detectors/cost/config.ts';
import { createCostDetectors } from '../../../processors/detectors/cost/detect-cost.ts';
import { createRollingMedian } from '../../../processors/detectors/cost/rolling-median.ts';
import { createRecentKeys } from '../../../processors/detectors/recent-keys.ts';
import { llmCall } from '../../support/llm-call-builder.ts';

describe('RecentKeys', () => {
  it('keeps at most max keys, forgetting the least recently touched', () => {
    const keys = createRecentKeys<number>(2);
    keys.touch('a', () => 1);
    keys.touch('b', () => 2);
    keys.touch('a', () => 99); // a is now the most recent; its value stays
    keys.touch('c', () => 3);
    expect([...keys.entries()]).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    expect(keys.size).toBe(2);
  });
});

describe('BucketSums', () => {
  it('sums the current window and the baseline just before it, in event time', () => {
    const sums = createBucketSums(2, 30_000, 1_000);
    for (let t = 0; t < 30_000; t += 500) sums.add(t, [1, t < 20_000 ? 0 : 2]);
    expect(sums.recent(10_000)).toEqual([20, 40]);
    expect(sums.recent(20_000, 10_000)).toEqual([40, 0]);
  });

  it('drops buckets older than its span and ignores items that arrive after they were dropped', () => {
    const sums = createBucketSums(1, 5_000, 1_000);
    sums.add(0, [1]);
    sums.add(100_000, [1]);
    sums.add(50, [5]); // far behind the window: not counted
    expect(sums.recent(1_000_000)).toEqual([1]);
  });
});

describe('RollingMedian', () => {
  it('gives the median of the window and forgets samples that left it or exceed the cap', () => {
    const m = createRollingMedian(10_000, 3);
    [5, 1, 9].forEach((v, i) => m.add(i, v));
    expect(m.median()).toBe(5);
    m.add(3, 100); // cap 3: the 5 goes
    expect(m.median()).toBe(9);
    m.add(20_000, 2); // everything else is out of the window
    expect([m.median(), m.size()]).toEqual([2, 1]);
  });
});

describe('cost checks are bounded by max_keys', () => {
  const spend = (team: string, t: number, usd: number): LlmCall => {
    const call = llmCall({ spanId: t.toString(16).padStart(16, '0'), startMs: t, endMs: t + 100 });
    return { ...call, identity: { ...call.identity, team }, cost: { ...call.cost, totalUsd: usd } };
  };

  it('forgets the spend of a team pushed out by newer teams, so it starts over', () => {
    const config = CostConfig.parse({ max_keys: 2, budgets: [{ scope: 'team', window_ms: 3_600_000, budget_usd: 0.25 }] });
    const bounded = createCostDetectors(config);
    const roomy = createCostDetectors({ ...config, max_keys: 100 });
    const calls = [spend('a', 1_000, 0.2), spend('b', 2_000, 0.01), spend('c', 3_000, 0.01), spend('a', 4_000, 0.1)];
    const found = (d: typeof bounded) => calls.flatMap((c) => d.observe(c)).map((s) => s.subtype);
    expect(found(roomy)).toEqual(['budget_exceeded']);
    expect(found(bounded)).toEqual([]);
  });
});
