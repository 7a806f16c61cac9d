import { describe, expect, it } from 'vitest';
import baseline from '../../../processors/baseline/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { calls, episodeStarts, feed, HOUR, MONDAY } from './traffic.ts';

const create = () => baseline.create(baseline.configSchema.parse({}), makeProcessorContext());
const start = MONDAY + 9 * HOUR;
const after = (at: number, factor: number) => (ms: number) => (ms >= at ? factor : 1);

describe('baseline: spend and throughput deviations', () => {
  it('reports requests growing three times larger as one cost/token_spike per metric, judged against the learned size', async () => {
    const at = start + 2 * HOUR;
    const found = await feed(await create(), calls({ seed: 1, startMs: start, durationMs: 3 * HOUR, rate: 1, tokens: after(at, 3) }));
    const spikes = episodeStarts(found).filter((f) => f.signal.subtype === 'token_spike');
    expect(spikes.map((f) => f.signal.evidence.metric).sort()).toEqual(['cost_per_request', 'tokens_per_request']);
    for (const f of spikes) {
      expect(f.signal.category).toBe('cost');
      // The window's geometric mean passes twice the baseline once about two thirds of it is larger.
      expect(f.atMs - at).toBeLessThan(180_000);
      expect(f.signal.evidence.ratio as number).toBeGreaterThan(2);
    }
  });

  it('reports generation slowing to a third of its tokens per second as latency_degradation on output_tokens_per_sec', async () => {
    const at = start + 2 * HOUR;
    const found = await feed(
      await create(),
      calls({ seed: 2, startMs: start, durationMs: 3 * HOUR, rate: 1, tokensPerSec: (ms) => (ms >= at ? 20 : 60) }),
    );
    const slow = found.find((f) => f.signal.evidence.metric === 'output_tokens_per_sec');
    expect(slow?.signal.subtype).toBe('latency_degradation');
    expect(slow!.atMs - at).toBeLessThan(200_000);
    expect(slow!.signal.evidence.ratio as number).toBeLessThan(0.5);
  });

  it('judges neither before the profile is ready', async () => {
    // 900 calls (ready at 1,000), sizes tripling after 600 of them.
    const found = await feed(
      await create(),
      calls({ seed: 3, startMs: start, durationMs: 900_000, rate: 1, tokens: after(start + 600_000, 3) }),
    );
    expect(found.filter((f) => f.signal.subtype === 'token_spike')).toEqual([]);
  });
});
