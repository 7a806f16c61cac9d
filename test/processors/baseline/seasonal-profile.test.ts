import { describe, expect, it } from 'vitest';
import { createSeasonalProfile, ProfileDecodeError } from '../../../processors/baseline/seasonal-profile.ts';
import { hourOfWeek } from '../../../processors/baseline/slot.ts';
import { fold, p95Of, run, settings } from './slices.ts';
import { HOUR, MONDAY } from './traffic.ts';

describe('seasonal profile', () => {
  it('expects the static thresholds before it has seen a call', () => {
    const p = createSeasonalProfile(settings);
    const e = p.estimate(10);
    expect(Math.exp(e.l95)).toBeCloseTo(2_000, 6);
    expect(e.errorRate).toBeCloseTo(0.01, 9);
    expect(e.ltps).toBeNull();
  });

  it('keeps the hour in progress out of its hour slots until the hour is over', () => {
    const p = createSeasonalProfile(settings);
    // Monday 09:00–09:59 at 3 s, then 10:00–10:29 at 9 s: hour 10's slot knows nothing of 10:xx yet.
    run(p, MONDAY + 9 * HOUR, 60, () => 3_000);
    run(p, MONDAY + 10 * HOUR, 30, () => 9_000);
    const tuesday10 = MONDAY + 34 * HOUR;
    // Hour 10 has no history: it falls back to all hours (which have seen both), not to 9 s.
    expect(p95Of(p, tuesday10)).toBeLessThan(9_000);
    run(p, MONDAY + 10 * HOUR + 30 * 60_000, 30, () => 9_000);
    run(p, MONDAY + 11 * HOUR, 1, () => 3_000); // the next hour begins: 10:00 joins its slots
    expect(p95Of(p, tuesday10)).toBeCloseTo(9_000, -2);
    expect(p95Of(p, MONDAY + 33 * HOUR)).toBeCloseTo(3_000, -2);
  });

  it('learns a daily shape per hour of the day and uses the hour of the week once it has one', () => {
    const p = createSeasonalProfile(settings);
    const daily = (ms: number) => ((ms % (24 * HOUR)) / HOUR >= 9 && (ms % (24 * HOUR)) / HOUR < 18 ? 4_000 : 2_000);
    run(p, MONDAY, 8 * 24 * 60, daily); // eight days: every hour of the week seen once, Monday twice
    expect(p95Of(p, MONDAY + 7 * 24 * HOUR + 14 * HOUR)).toBeCloseTo(4_000, -2);
    expect(p95Of(p, MONDAY + 7 * 24 * HOUR + 3 * HOUR)).toBeCloseTo(2_000, -2);
    expect(p.estimate(hourOfWeek(MONDAY + 14 * HOUR)).unseen).toBeLessThan(0.001);
  });

  it('estimates the error rate of a slot from its calls, shrunk to the static rate while young', () => {
    const p = createSeasonalProfile(settings);
    run(p, MONDAY + 9 * HOUR, 61, () => 3_000, 6); // 10 % errors for an hour
    const rate = p.estimate(hourOfWeek(MONDAY + 9 * HOUR + 7 * 24 * HOUR)).errorRate;
    expect(rate).toBeGreaterThan(0.09);
    expect(rate).toBeLessThan(0.1);
    expect(p.global().errorsByType.overloaded).toBeCloseTo(0.1, 1);
  });

  it('round-trips through its bytes with the same estimates', () => {
    const p = createSeasonalProfile(settings);
    run(p, MONDAY, 3 * 24 * 60, (ms) => 1_500 + ((ms / HOUR) % 24) * 100, 1);
    p.addSamples(12_345);
    const back = createSeasonalProfile(settings, p.encode());
    expect(back.samples()).toBe(12_345);
    for (const slot of [0, 9, 14, 50, 100, 167]) expect(back.estimate(slot)).toEqual(p.estimate(slot));
    expect(back.global()).toEqual(p.global());
  });

  it('refuses bytes it did not write, saying why', () => {
    expect(() => createSeasonalProfile(settings, new Uint8Array(3))).toThrow(ProfileDecodeError);
    const bytes = createSeasonalProfile(settings).encode();
    bytes[0] = 99;
    expect(() => createSeasonalProfile(settings, bytes)).toThrow(/format 99/);
    const cut = createSeasonalProfile(settings).encode().subarray(0, 100);
    expect(() => createSeasonalProfile(settings, cut)).toThrow(/cut short/);
  });
});
