import { describe, expect, it } from 'vitest';
import { ErrorAcceleration } from '../../../processors/predictor/error-acceleration.ts';
import { PredictorConfig } from '../../../processors/predictor/config.ts';

const config = PredictorConfig.parse({}).error_rate; // window 60 s: a sample every 30 s
const horizon = { near: 120, horizon: 900 };

/** Ticks every 5 s; `rate(s)` is the window's error rate at second s, over `calls` calls. */
function run(rate: (s: number) => number, secs: number, calls = 200) {
  const e = new ErrorAcceleration(config);
  let last = null;
  for (let s = 0; s <= secs; s += 5) last = e.tick(s * 1000, calls, Math.round(rate(s) * calls), null, horizon);
  return last;
}

describe('ErrorAcceleration', () => {
  it('projects an error rate that rises faster and faster to the failure line', () => {
    // A brownout: 5 %, 10 %, 20 % of calls failing, half a minute apart.
    const risk = run((s) => (s < 30 ? 0.05 : s < 60 ? 0.1 : 0.2), 60)!;
    expect(risk).not.toBeNull();
    expect(risk.secsToFailure).toBeGreaterThan(0);
    expect(risk.secsToFailure).toBeLessThan(90);
    expect(risk.score).toBeGreaterThan(0.8);
    expect(risk.indicators).toMatchObject({ error_rate: 0.2, first_difference: 0.1, second_difference: 0.05 });
  });

  it('projects nothing from a dip and a recovery around a steady level', () => {
    // 28 %, 21 %, 29 %: positive first and second differences, but no climb.
    expect(run((s) => (s < 30 ? 0.28 : s < 60 ? 0.21 : 0.29), 60)).toBeNull();
  });

  it('projects nothing from a rise that sampling noise explains', () => {
    // 25 %, 26 %, 34 % of 80 calls: a standard error of about 7 points on the difference.
    expect(run((s) => (s < 30 ? 0.25 : s < 60 ? 0.26 : 0.34), 60, 80)).toBeNull();
    // The same rates over 2,000 calls are a real rise.
    expect(run((s) => (s < 30 ? 0.25 : s < 60 ? 0.26 : 0.34), 60, 2_000)).not.toBeNull();
  });

  it('says when the window is at the failure line', () => {
    const e = new ErrorAcceleration(config);
    expect(e.isFailing(20, 10)).toBe(true);
    expect(e.isFailing(20, 9)).toBe(false);
    expect(e.isFailing(5, 5)).toBe(false);
  });
});
