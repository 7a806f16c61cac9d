import { describe, expect, it } from 'vitest';
import baseline from '../../../processors/baseline/index.ts';
import { poissonTail } from '../../../processors/baseline/poisson-tail.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { calls, episodeStarts, feed, HOUR, MONDAY } from './traffic.ts';

const create = () => baseline.create(baseline.configSchema.parse({}), makeProcessorContext());
const start = MONDAY + 9 * HOUR;

describe('baseline: error-rate deviations', () => {
  it('reports a burst of overloaded errors once, as the window’s most frequent provider error, with the counts that decided it', async () => {
    const burstAt = start + 3 * HOUR;
    const errorRate = (ms: number) => (ms >= burstAt && ms < burstAt + 10 * 60_000 ? 0.3 : 0.01);
    const all = await feed(
      await create(),
      calls({ seed: 1, startMs: start, durationMs: 4 * HOUR, rate: 1, errorRate, errorType: 'overloaded' }),
    );
    // Reported again while the burst lasts (evidence continued: true), as the same kind.
    expect(all.every((f) => f.signal.subtype === 'overloaded' && f.atMs < burstAt + 15 * 60_000)).toBe(true);
    const found = episodeStarts(all);
    expect(found.map((f) => [f.signal.category, f.signal.subtype, f.signal.evidence.metric])).toEqual([
      ['provider', 'overloaded', 'error_rate'],
    ]);
    expect(found[0].atMs - burstAt).toBeLessThan(120_000);
    const e = found[0].signal.evidence;
    expect(e.errors as number).toBeGreaterThanOrEqual(5);
    expect(e.current_rate as number).toBeGreaterThan(2 * (e.baseline_rate as number));
    expect(e.p_value as number).toBeLessThan(1e-4);
    expect(e.by_type).toEqual({ overloaded: e.errors });
  });

  it('never reports a provider that always fails 5 % of its calls', async () => {
    const found = await feed(await create(), calls({ seed: 2, startMs: start, durationMs: 24 * HOUR, rate: 0.5, errorRate: 0.05 }));
    expect(found).toEqual([]);
  });

  it('never reports single errors at low traffic, even against a spotless baseline', async () => {
    // One call a minute for a day, one in fifty failing: a 100 % window error rate is common and proves nothing.
    const found = await feed(await create(), calls({ seed: 3, startMs: start, durationMs: 24 * HOUR, rate: 1 / 60, errorRate: 0.02 }));
    expect(found).toEqual([]);
  });

  it('does not call a significant but small rise a deviation when it stays under min_increase', async () => {
    // 20 calls/s: 1 % → 2 % is overwhelming evidence (thousands of calls a window) but one point only.
    const errorRate = (ms: number) => (ms >= start + HOUR ? 0.02 : 0.01);
    expect(await feed(await create(), calls({ seed: 4, startMs: start, durationMs: 2 * HOUR, rate: 20, errorRate }))).toEqual([]);
  });
});

describe('Poisson tail', () => {
  it('matches known values and keeps tiny tails precise', () => {
    expect(poissonTail(5, 1)).toBeCloseTo(0.00366, 5);
    expect(poissonTail(1, 2)).toBe(1);
    expect(poissonTail(0, 3)).toBe(1);
    expect(poissonTail(3, 0)).toBe(0);
    expect(poissonTail(30, 10)).toBeCloseTo(2.51e-7, 9);
    expect(poissonTail(200, 100)).toBeGreaterThan(0);
    expect(poissonTail(200, 100)).toBeLessThan(1e-15);
  });
});
