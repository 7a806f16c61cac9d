// A risk score in 0..1 from how soon the failure is expected and how much the indicator is
// believed: full urgency at `nearSecs` or sooner, none beyond `horizonSecs`, linear between.
export function urgency(secsToFailure: number | null, nearSecs: number, horizonSecs: number): number {
  if (secsToFailure === null || !Number.isFinite(secsToFailure)) return 0;
  if (secsToFailure <= nearSecs) return 1;
  if (secsToFailure >= horizonSecs) return 0;
  return (horizonSecs - secsToFailure) / (horizonSecs - nearSecs);
}

/** 0 at `from`, 1 at `to` and beyond. */
export function ramp(x: number, from: number, to: number): number {
  if (x <= from) return 0;
  if (x >= to) return 1;
  return (x - from) / (to - from);
}

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
