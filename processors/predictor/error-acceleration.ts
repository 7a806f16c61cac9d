// Error-rate acceleration of one provider/model: the window's error rate sampled every half window;
// the first and second differences of the last three samples say whether it is rising and speeding
// up. A quadratic projection gives the time until it reaches the failure line (the share at which
// LiteLLM's router cools a deployment down). Judged only above the baseline error rate and with a
// minimum count of failures, so a few stray errors on low traffic never accelerate anything.
import type { PredictorConfig } from './config.ts';
import { ramp, urgency } from './risk-score.ts';

export interface ErrorRisk {
  score: number;
  secsToFailure: number | null;
  indicators: Record<string, number | null>;
}

/** Standard errors a rise must exceed to be more than sampling noise. */
const SIGNIFICANT_RISE = 2;

export class ErrorAcceleration {
  private readonly samples: { atMs: number; rate: number; calls: number }[] = [];

  constructor(private readonly config: PredictorConfig['error_rate']) {}

  /** Whether the window is at the failure line now (enough calls, that share failing). */
  isFailing(calls: number, errors: number): boolean {
    return calls >= this.config.min_calls && errors / calls >= this.config.failure_rate;
  }

  tick(
    nowMs: number,
    calls: number,
    errors: number,
    baselineRate: number | null,
    horizon: { near: number; horizon: number },
  ): ErrorRisk | null {
    if (calls < this.config.min_calls) return null;
    const rate = errors / calls;
    const step = this.config.window_ms / 2;
    const last = this.samples.at(-1);
    if (!last || nowMs - last.atMs >= step) {
      this.samples.push({ atMs: nowMs, rate, calls });
      if (this.samples.length > 3) this.samples.shift();
    }
    if (this.samples.length < 3 || errors < this.config.min_errors) return null;
    const [a, b, c] = this.samples.map((s) => s.rate);
    const d1 = c - b;
    const d2 = c - 2 * b + a;
    const base = baselineRate ?? 0;
    // Above the baseline for two samples, not only the last: an error rate that leaps from nothing
    // to the failure line within one window is a sudden failure, which has no precursor to report.
    // Rising at both steps, faster at the second: a dip and a recovery (a V, noise around a level)
    // also has positive first and second differences, and projects a climb that is not there.
    if (rate - base < this.config.min_excess || b - base < this.config.min_excess || b - a <= 0 || d1 <= 0 || d2 <= 0) return null;
    // And a rise over the three samples that sampling noise does not explain: two standard errors
    // of the difference of two proportions (30 % of 80 calls is give or take 5 points).
    const first = this.samples[0];
    const noise = Math.sqrt((a * (1 - a)) / first.calls + (c * (1 - c)) / calls);
    if (c - a < SIGNIFICANT_RISE * noise) return null;
    // rate(s) = rate + d1·s + ½·d2·s², s in steps of half a window.
    const gap = this.config.failure_rate - rate;
    const steps = gap <= 0 ? 0 : (-d1 + Math.sqrt(d1 * d1 + 2 * d2 * gap)) / d2;
    const secsToFailure = (steps * step) / 1000;
    const confidence = ramp(errors, this.config.min_errors - 1, this.config.min_errors * 2);
    return {
      score: confidence * urgency(secsToFailure, horizon.near, horizon.horizon),
      secsToFailure,
      indicators: {
        error_rate: round3(rate),
        baseline_error_rate: baselineRate === null ? null : round3(baselineRate),
        first_difference: round3(d1),
        second_difference: round3(d2),
        errors,
        calls,
        secs_to_failure: Math.round(secsToFailure),
      },
    };
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
