import { describe, expect, it } from 'vitest';
import { RateLimitTrend } from '../../../processors/predictor/rate-limit-trend.ts';
import { resetSeconds } from '../../../processors/predictor/reset-time.ts';

/** Readings every second of a limit draining at `perSec`, from `start` remaining. */
function drain(trend: RateLimitTrend, perSec: number, start: number, secs: number, reset: (t: number) => number | null = () => null) {
  for (let t = 0; t <= secs; t++) trend.observe({ atMs: t * 1000, remaining: start - perSec * t, limit: 1000, resetSecs: reset(t) });
}

describe('RateLimitTrend', () => {
  it('predicts exhaustion at remaining over the consumption rate', () => {
    const trend = new RateLimitTrend(30, 2000);
    drain(trend, 5, 900, 60);
    const f = trend.forecast(60_000)!;
    expect(f.ratePerSec).toBeCloseTo(5, 5);
    expect(f.remaining).toBe(600);
    expect(f.secsToExhaustion).toBeCloseTo(120, 3);
    expect(f.utilization).toBeCloseTo(0.4, 5);
  });

  it('counts the time since the last reading against what remains', () => {
    const trend = new RateLimitTrend(30, 2000);
    drain(trend, 5, 900, 60);
    expect(trend.forecast(80_000)!.secsToExhaustion).toBeCloseTo(100, 3);
  });

  it('predicts nothing while the limit is not being drained', () => {
    const trend = new RateLimitTrend(30, 2000);
    drain(trend, 0, 500, 60);
    expect(trend.forecast(60_000)!.secsToExhaustion).toBeNull();
  });

  it('ignores a reading older than the last one', () => {
    const trend = new RateLimitTrend(30, 2000);
    drain(trend, 5, 900, 20);
    trend.observe({ atMs: 5_000, remaining: 10, limit: 1000, resetSecs: null });
    expect(trend.forecast(20_000)!.remaining).toBe(800);
  });

  it('treats a moving reset instant as a rolling refill and still predicts', () => {
    const trend = new RateLimitTrend(30, 2000);
    // A bucket's reset: the time to refill what is used, which moves with every reading.
    drain(trend, 5, 900, 60, (t) => ((1000 - (900 - 5 * t)) * 60) / 1000);
    const f = trend.forecast(60_000)!;
    expect(f.secsToReset).toBeNull();
    expect(f.secsToExhaustion).toBeCloseTo(120, 3);
  });

  it('predicts no exhaustion when a fixed window, seen to refill at its reset, resets first', () => {
    const trend = new RateLimitTrend(30, 2000);
    // Window 1 ends at 30 s and refills at once; window 2 ends at 90 s.
    for (let t = 0; t < 30; t++) trend.observe({ atMs: t * 1000, remaining: 1000 - 10 * t, limit: 1000, resetSecs: 30 - t });
    for (let t = 30; t <= 60; t++) trend.observe({ atMs: t * 1000, remaining: 1000 - 10 * (t - 30), limit: 1000, resetSecs: 90 - t });
    const f = trend.forecast(60_000)!;
    expect(f.secsToReset).toBeCloseTo(30, 3);
    // 700 left at 10/s is 70 s, after the reset at 30 s.
    expect(f.secsToExhaustion).toBeNull();
  });
});

describe('resetSeconds', () => {
  it('reads OpenAI durations', () => {
    expect(resetSeconds('6m0s', 0)).toBe(360);
    expect(resetSeconds('1.5s', 0)).toBe(1.5);
    expect(resetSeconds('120ms', 0)).toBe(0.12);
    expect(resetSeconds('1h2m3s', 0)).toBe(3723);
  });

  it('reads an Anthropic RFC 3339 instant relative to the reading', () => {
    expect(resetSeconds('2026-01-05T09:01:00Z', Date.parse('2026-01-05T09:00:30Z'))).toBe(30);
  });

  it('answers null for nothing or an unreadable value', () => {
    expect(resetSeconds(null, 0)).toBeNull();
    expect(resetSeconds('soon', 0)).toBeNull();
  });
});
