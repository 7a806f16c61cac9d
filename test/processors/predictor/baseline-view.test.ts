import { describe, expect, it } from 'vitest';
import type { BaselineSnapshot } from '../../../agent/core/model/baseline.ts';
import { createBaselineView } from '../../../processors/predictor/baseline-view.ts';

const T0 = Date.parse('2026-01-05T09:00:00Z');

/** The fields the view reads of a snapshot of anthropic/claude-sonnet-4-5 as a whole. */
function snapshot(minute: number, p95: number, ready = true): BaselineSnapshot {
  return {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    route: '',
    team: '',
    at: new Date(T0 + minute * 60_000).toISOString(),
    ready,
    baseline: { latency_ms: { p50: p95 / 2, p95, p99: p95 * 1.3 }, error_rate: { total: 0.01 } },
  } as unknown as BaselineSnapshot;
}

describe('baseline view', () => {
  it('takes a ready p95 as the reference only once the next ready snapshot agrees with it', () => {
    const view = createBaselineView();
    view.observe([snapshot(0, 2_000, false), snapshot(1, 2_700)]);
    // The first ready snapshot: nothing says yet that it has settled.
    expect(view.latencyP95Ms('anthropic', 'claude-sonnet-4-5')).toBeNull();
    view.observe([snapshot(2, 4_100)]);
    expect(view.latencyP95Ms('anthropic', 'claude-sonnet-4-5')).toBeNull();
    view.observe([snapshot(3, 4_400)]);
    expect(view.latencyP95Ms('anthropic', 'claude-sonnet-4-5')).toBe(4_400);
    expect(view.errorRate('anthropic', 'claude-sonnet-4-5')).toBe(0.01);
  });

  it('keeps judging on a settled profile that moves slowly, and stops on one that jumps', () => {
    const view = createBaselineView();
    view.observe([snapshot(0, 2_000), snapshot(1, 2_100), snapshot(2, 2_300)]);
    expect(view.latencyP95Ms('anthropic', 'claude-sonnet-4-5')).toBe(2_300);
    view.observe([snapshot(3, 3_500)]);
    expect(view.latencyP95Ms('anthropic', 'claude-sonnet-4-5')).toBeNull();
  });

  it('ignores a snapshot older than the one it holds', () => {
    const view = createBaselineView();
    view.observe([snapshot(0, 2_000), snapshot(2, 2_100), snapshot(1, 9_000)]);
    expect(view.latencyP95Ms('anthropic', 'claude-sonnet-4-5')).toBe(2_100);
  });
});
