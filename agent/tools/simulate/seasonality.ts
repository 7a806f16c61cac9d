// Seasonal multipliers of a scenario's traffic: request rate and latency by hour of the day and by
// day of the week (UTC). An hour's value holds at half past the hour and a day's at noon, with
// straight lines between, so traffic swells and ebbs instead of jumping on the hour.
import type { Traffic } from './scenario-schema.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Seasonality {
  /** Multiple of the scenario's request rate at event time ms. */
  rate(ms: number): number;
  /** Multiple of normal latency at event time ms. */
  latency(ms: number): number;
}

export function createSeasonality(s: Traffic['seasonality']): Seasonality {
  const daily = (values: readonly number[] | undefined) => (ms: number) => (values ? cyclic(values, (ms - HOUR_MS / 2) / HOUR_MS) : 1);
  // Day 0 is Monday; 1970-01-01 was a Thursday (day 3).
  const weekly = (values: readonly number[] | undefined) => (ms: number) => (values ? cyclic(values, (ms - DAY_MS / 2) / DAY_MS + 3) : 1);
  const rateDay = daily(s?.daily.rate);
  const rateWeek = weekly(s?.weekly.rate);
  const latencyDay = daily(s?.daily.latency);
  const latencyWeek = weekly(s?.weekly.latency);
  return {
    rate: (ms) => rateDay(ms) * rateWeek(ms),
    latency: (ms) => latencyDay(ms) * latencyWeek(ms),
  };
}

/** Linear interpolation in a cycle of values at positions 0, 1, 2, … (position taken modulo the length). */
function cyclic(values: readonly number[], position: number): number {
  const n = values.length;
  const p = ((position % n) + n) % n;
  const i = Math.floor(p);
  const f = p - i;
  return values[i] * (1 - f) + values[(i + 1) % n] * f;
}
