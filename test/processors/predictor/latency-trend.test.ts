import { describe, expect, it } from 'vitest';
import { PredictorConfig } from '../../../processors/predictor/config.ts';
import { LatencyTrend } from '../../../processors/predictor/latency-trend.ts';

const config = PredictorConfig.parse({}).latency; // the failure line: 2 × the baseline p95
const BASELINE_P95 = 4_150;

/** The highest score over ticks of these window p95s (one tick per 5 s). */
function peak(p95s: number[]): { score: number; atTick: number } {
  const trend = new LatencyTrend(config, 5);
  let best = { score: 0, atTick: -1 };
  p95s.forEach((p95, i) => {
    const r = trend.tick(p95, BASELINE_P95);
    if (r && r.score > best.score) best = { score: r.score, atTick: i };
  });
  return best;
}

describe('LatencyTrend', () => {
  it('sees no rising trend in a single jump of a sparse window p95 that then stays flat', () => {
    // One slow call enters a window of thirty: the p95 jumps from 3.8 s to 6.3 s and stays there;
    // the smoothed level chases the step with a positive slope for several ticks.
    const p95s = [...Array(20).fill(3_844), ...Array(30).fill(6_345)];
    expect(peak(p95s).score).toBeLessThan(0.5);
  });

  it('projects a p95 that keeps climbing to the line before it gets there', () => {
    // 1.5 % a tick from the baseline, with a little noise: the line (8.3 s) is crossed at tick ~47.
    const p95s = Array.from({ length: 60 }, (_, i) => BASELINE_P95 * 1.015 ** i * (i % 3 === 1 ? 0.99 : 1));
    const crossed = p95s.findIndex((p) => p >= 2 * BASELINE_P95);
    const { score, atTick } = peak(p95s.slice(0, crossed));
    expect(score).toBeGreaterThanOrEqual(0.5);
    expect(atTick).toBeLessThan(crossed);
  });
});
