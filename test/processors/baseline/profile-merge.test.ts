import { describe, expect, it } from 'vitest';
import { mergeProfiles } from '../../../processors/baseline/profile-merge.ts';
import { createSeasonalProfile, type SeasonalProfile } from '../../../processors/baseline/seasonal-profile.ts';
import { hourOfWeek } from '../../../processors/baseline/slot.ts';
import { fold, settings } from './slices.ts';
import { HOUR, MONDAY } from './traffic.ts';

/** A daily shape: slow in the afternoon, quick at night. */
const p95 = (ms: number) => 1_000 * (1 + 0.6 * Math.sin((2 * Math.PI * ((ms / HOUR) % 24)) / 24));
const errorsAt = (minute: number) => (minute % 7 === 0 ? 3 : 0);

/** Feeds minute slices from `fromMs` for `minutes` to whichever profile `to` picks for each. */
function feed(fromMs: number, minutes: number, to: (minute: number) => SeasonalProfile): void {
  for (let m = 0; m < minutes; m++) {
    const ms = fromMs + m * 60_000;
    to(m).fold(fold(ms, p95(ms), errorsAt(m)));
    to(m).addSamples(60);
  }
}

/** What a slot's estimate says, for comparing profiles. */
const figures = (p: SeasonalProfile, ms: number) => {
  const e = p.estimate(hourOfWeek(ms));
  return [Math.exp(e.l50), Math.exp(e.l95), Math.exp(e.l99), e.errorRate];
};

function expectClose(actual: number[], expected: number[], relative: number) {
  actual.forEach((a, i) =>
    expect(Math.abs(a - expected[i]), `figure ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(relative * Math.abs(expected[i]) + 1e-6),
  );
}

describe('merging the profiles of one key learned by several agents', () => {
  it('gives what one profile fed every slice holds when the agents saw the calls side by side', () => {
    const whole = createSeasonalProfile(settings);
    const parts = [createSeasonalProfile(settings), createSeasonalProfile(settings), createSeasonalProfile(settings)];
    const minutes = 3 * 24 * 60;
    feed(MONDAY, minutes, () => whole);
    feed(MONDAY, minutes, (m) => parts[(m * 7) % 3]);
    const merged = mergeProfiles(
      settings,
      parts.map((p) => p.encode()),
    );

    expect(merged.samples()).toBe(whole.samples());
    expect(merged.hour()).toBe(whole.hour());
    for (let h = 0; h < 3 * 24; h += 5) {
      const at = MONDAY + h * HOUR;
      expectClose(figures(merged, at), figures(whole, at), 0.01);
    }
    expect(merged.global().errorsByType.overloaded).toBeCloseTo(whole.global().errorsByType.overloaded, 4);
    // No part alone has seen enough of the third day's hours to judge on them as the whole has.
    expect(parts[0].samples()).toBeLessThan(whole.samples() / 2);
  });

  it('brings a part whose agent stopped to the hour of the newest, decaying it as the days went by', () => {
    const whole = createSeasonalProfile(settings);
    const stopped = createSeasonalProfile(settings);
    const live = createSeasonalProfile(settings);
    // The first agent saw two days at one latency level, then stopped; the other saw the third day, twice as slow.
    feed(MONDAY, 2 * 24 * 60, () => stopped);
    feed(MONDAY, 2 * 24 * 60, () => whole);
    const later = (ms: number) => 2 * p95(ms);
    for (let m = 0; m < 24 * 60; m++) {
      const ms = MONDAY + 2 * 24 * HOUR + m * 60_000;
      for (const p of [whole, live]) {
        p.fold(fold(ms, later(ms)));
        p.addSamples(60);
      }
    }
    const merged = mergeProfiles(settings, [stopped.encode(), live.encode()]);
    const naive = mergeProfiles(settings, [live.encode()]);
    naive.absorb(createSeasonalProfile(settings, stopped.encode()));

    expect(merged.samples()).toBe(whole.samples());
    for (let h = 1; h < 24; h += 4) {
      const at = MONDAY + 3 * 24 * HOUR + h * HOUR;
      // The older days weigh what they would in one profile that had seen it all, not their undecayed weight.
      expectClose(figures(merged, at).slice(0, 3), figures(whole, at).slice(0, 3), 0.02);
      expect(figures(merged, at)[1]).toBeGreaterThan(figures(naive, at)[1]);
    }
  });

  it('merges one part into itself unchanged, and no parts into an empty profile', () => {
    const p = createSeasonalProfile(settings);
    feed(MONDAY, 6 * 60, () => p);
    const one = mergeProfiles(settings, [p.encode()]);
    expect(figures(one, MONDAY + 2 * HOUR)).toEqual(figures(p, MONDAY + 2 * HOUR));
    expect(one.samples()).toBe(p.samples());
    const none = mergeProfiles(settings, []);
    expect(none.samples()).toBe(0);
    expect(figures(none, MONDAY)).toEqual(figures(createSeasonalProfile(settings), MONDAY));
  });
});
