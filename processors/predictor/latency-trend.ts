// Latency trend of one provider/model: each tick the window's p95 feeds Holt's linear smoothing,
// whose projection gives the time until p95 crosses the failure line (a multiple of the learned
// baseline p95, or the static SLA during cold start). A trend counts only once the smoothed p95 has
// risen clearly above its reference (the learned baseline, or a slow average of its own past) and
// kept rising for several ticks, so noise in a healthy p95 projects nothing.
import type { PredictorConfig } from './config.ts';
import { Holt } from './holt.ts';
import { clamp01, ramp, urgency } from './risk-score.ts';

export interface LatencyRisk {
  score: number;
  atFailureLine: boolean;
  secsToCross: number | null;
  indicators: Record<string, number | null>;
}

// A minute of ticks (at the default interval) of a rising smoothed p95 before it is believed.
const RISING_TICKS_FOR_FULL_CONFIDENCE = 12;
const SLOW_REFERENCE_SECS = 600;

export class LatencyTrend {
  private readonly holt: Holt;
  private slow: number | null = null;
  private rising = 0;
  private lastInput: number | null = null;

  constructor(
    private readonly config: PredictorConfig['latency'],
    private readonly intervalSecs: number,
  ) {
    this.holt = new Holt(config.alpha, config.beta);
  }

  /** One tick: the window's p95 (null when the window has too few calls) and the learned baseline p95, if any. */
  tick(p95Ms: number | null, baselineP95Ms: number | null): LatencyRisk | null {
    if (p95Ms === null) return null;
    this.holt.update(p95Ms);
    const level = this.holt.value as number;
    const weight = 1 - Math.exp(-this.intervalSecs / SLOW_REFERENCE_SECS);
    this.slow = this.slow === null ? level : this.slow + weight * (Math.min(level, this.slow * 4) - this.slow);
    // A tick counts towards a rising trend only when the window's p95 itself rose: after a single
    // jump (one slow call entering a sparse window) the smoothed level chases the step with a
    // positive slope for several ticks while the p95 stays flat, which is no trend.
    if (this.holt.slope <= 0) this.rising = 0;
    else if (this.lastInput !== null && p95Ms > this.lastInput) this.rising++;
    this.lastInput = p95Ms;

    const reference = baselineP95Ms ?? this.slow;
    const line = baselineP95Ms !== null ? baselineP95Ms * this.config.baseline_multiple : this.config.static_sla_ms;
    const steps = this.holt.stepsTo(line);
    const secsToCross = steps === null ? null : steps * this.intervalSecs;
    const rise = reference > 0 ? level / reference - 1 : 0;
    const confidence = Math.min(
      ramp(rise, this.config.min_rise, this.config.min_rise * 2),
      clamp01(this.rising / RISING_TICKS_FOR_FULL_CONFIDENCE),
      ramp(this.holt.count, 2, 6),
    );
    const score = level >= line ? 0 : confidence * urgency(secsToCross, this.config.near_secs, this.config.horizon_secs);
    return {
      score,
      atFailureLine: level >= line,
      secsToCross,
      indicators: {
        p95_ms: Math.round(p95Ms),
        smoothed_p95_ms: Math.round(level),
        trend_ms_per_sec: Math.round((this.holt.slope / this.intervalSecs) * 10) / 10,
        reference_p95_ms: Math.round(reference),
        failure_line_ms: Math.round(line),
        baseline_p95_ms: baselineP95Ms === null ? null : Math.round(baselineP95Ms),
        secs_to_cross: secsToCross === null ? null : Math.round(secsToCross),
      },
    };
  }
}
