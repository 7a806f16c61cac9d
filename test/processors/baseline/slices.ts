// Slices for the seasonal profile's tests: what the baseline processor folds at each slice end,
// built directly so a test controls the levels the profile learns.
import { createSeasonalProfile, type SliceFold } from '../../../processors/baseline/seasonal-profile.ts';
import { hourOfWeek } from '../../../processors/baseline/slot.ts';
import { HOUR } from './traffic.ts';

export const settings = {
  shrinkage: 20,
  alphaWeek: 0.2,
  alphaDay: 0.3,
  alphaHour: 0.5,
  staticLogP95: Math.log(2_000),
  staticErrorRate: 0.01,
};

/** One slice of 60 calls at `p95Ms` (and p50/p99 around it), `errors` of them failed, at event time ms. */
export function fold(ms: number, p95Ms: number, errors = 0): SliceFold {
  return {
    slot: hourOfWeek(ms),
    hour: Math.floor(ms / HOUR),
    calls: 60,
    errors,
    errorsByType: errors > 0 ? { overloaded: errors } : null,
    latencyWeight: 60 - errors,
    l50: Math.log(p95Ms / 2.2),
    l95: Math.log(p95Ms),
    l99: Math.log(p95Ms * 1.4),
    tpsWeight: 0,
    tpsLevel: 0,
    costWeight: 0,
    costLevel: 0,
    tokensWeight: 0,
    tokensLevel: 0,
    costSum: 0,
    costN: 0,
    inputSum: 0,
    inputN: 0,
    outputSum: 0,
    outputN: 0,
    ttftN: 0,
    ttftMean: 0,
    ttftM2: 0,
    qualityChecked: 60 - errors,
    qualityFailed: 0,
    excludeLatency: false,
    excludeErrors: false,
    excludeTps: false,
    excludeSpend: false,
  };
}

/** Folds a minute-by-minute run of slices from `fromMs` for `minutes`. */
export function run(
  profile: ReturnType<typeof createSeasonalProfile>,
  fromMs: number,
  minutes: number,
  p95: (ms: number) => number,
  errors = 0,
) {
  for (let m = 0; m < minutes; m++) profile.fold(fold(fromMs + m * 60_000, p95(fromMs + m * 60_000), errors));
}

export const p95Of = (profile: ReturnType<typeof createSeasonalProfile>, ms: number) => Math.exp(profile.estimate(hourOfWeek(ms)).l95);
