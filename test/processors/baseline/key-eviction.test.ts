import { describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { BaselineSnapshot } from '../../../agent/core/model/baseline.ts';
import baseline from '../../../processors/baseline/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { calls, MONDAY } from './traffic.ts';

/** The first call of a minute of traffic for `model`. */
const oneCall = (model: string, atMs: number) => [...calls({ seed: 1, startMs: atMs, durationMs: 60_000, rate: 1, model })].slice(0, 1);

describe('baseline: keys past max_keys', () => {
  it('forgets the least recently seen key, not the newest nor the most recently seen', async () => {
    const emitted: BaselineSnapshot[] = [];
    const p = await baseline.create(
      baseline.configSchema.parse({ max_keys: 2 }),
      makeProcessorContext({ emit: async (b) => void emitted.push(...b.baselines) }),
    );
    // a, b, then a again: b is now the least recently seen, and c's arrival drops it.
    const order = ['a', 'b', 'a', 'c'];
    const batch = order.flatMap((model, i) => oneCall(model, MONDAY + i * 60_000));
    await p.process(createBatch({ calls: batch }));
    await p.shutdown?.();
    expect(emitted.map((s) => s.model).sort()).toEqual(['a', 'c']);
  });
});
