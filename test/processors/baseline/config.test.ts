import { describe, expect, it } from 'vitest';
import { BaselineConfig } from '../../../processors/baseline/config.ts';

const issues = (input: unknown) => {
  const r = BaselineConfig.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('baseline config', () => {
  it('defaults to a 3-minute window in 30 s slices, judged after 200 calls and ready after 1,000', () => {
    const c = BaselineConfig.parse({});
    expect([c.window_ms, c.slice_ms, c.min_samples, c.ready_samples]).toEqual([180_000, 30_000, 200, 1_000]);
    expect([c.latency.factor, c.zones.latency_yellow, c.zones.latency_red]).toEqual([2, 1.5, 2]);
  });

  it('wants a slice that divides the window at least twice', () => {
    expect(issues({ window_ms: 100_000, slice_ms: 30_000 })).toEqual([
      'slice_ms: expected a slice that divides window_ms (100000) at least twice, got 30000',
    ]);
    expect(issues({ window_ms: 60_000, slice_ms: 60_000 })).toHaveLength(1);
  });

  it('wants min_samples at most ready_samples, and a re-arm level below the factor', () => {
    expect(issues({ min_samples: 2_000 })).toEqual(['min_samples: expected at most ready_samples (1000), got 2000']);
    expect(issues({ latency: { factor: 2, rearm_factor: 3 } })).toEqual([
      'latency.rearm_factor: expected at most latency.factor (2), got 3',
    ]);
  });

  it('rejects unknown keys and splits other than route and team', () => {
    expect(issues({ colour: 'red' })[0]).toMatch(/Unrecognized key/);
    expect(issues({ key_by: ['user'] })[0]).toMatch(/^key_by\.0:/);
    expect(issues({ key_by: ['team', 'team'] })).toEqual(['key_by: list each field once']);
  });
});
