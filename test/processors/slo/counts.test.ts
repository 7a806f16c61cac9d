import { describe, expect, it } from 'vitest';
import { createSloCounts, zeroCounts, type Counts } from '../../../processors/slo/counts.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** A small deterministic generator, so a failure names the case that broke. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** What a window holds, from the events themselves: minutes up to six hours back, whole hours beyond. */
function expected(events: { t: number; c: Counts }[], nowMs: number, windowMs: number): Counts {
  const out = zeroCounts();
  const minutesBack = Math.ceil(windowMs / MINUTE);
  const [unit, back] = minutesBack <= 360 ? [MINUTE, minutesBack] : [HOUR, Math.ceil(windowMs / HOUR)];
  const last = Math.floor(nowMs / unit);
  for (const e of events) {
    const u = Math.floor(e.t / unit);
    if (u > last - back && u <= last) for (const k of Object.keys(out) as (keyof Counts)[]) out[k] += e.c[k];
  }
  return out;
}

describe('SLO counts', () => {
  it('sums a dozen windows in one pass exactly as the events they hold add up', () => {
    const windows = [5 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 6 * HOUR, 6 * HOUR + 1, DAY, 3 * DAY, 7 * DAY, 5 * MINUTE, 0];
    for (let seed = 1; seed <= 20; seed++) {
      const random = lcg(seed);
      const counts = createSloCounts(7 * DAY);
      const events: { t: number; c: Counts }[] = [];
      let t = Date.UTC(2026, 0, 5);
      for (let i = 0; i < 3000; i++) {
        // Mostly forward, sometimes a late arrival within the hour.
        t += Math.floor(random() * 4 * MINUTE);
        const at = random() < 0.1 ? t - Math.floor(random() * 50 * MINUTE) : t;
        const c = {
          total: 1,
          bad: random() < 0.2 ? 1 : 0,
          bad_requests: random() < 0.1 ? 1 : 0,
          answers: 1,
          spend_usd: Math.floor(random() * 9),
        };
        if (counts.add(at, c)) events.push({ t: at, c });
      }
      for (const nowMs of [t, t + 17 * MINUTE, t + 5 * HOUR, t + 2 * DAY]) {
        const got = counts.sums(nowMs, windows);
        windows.forEach((w, i) => expect(got[i], `seed ${seed}, window ${w} ms, now +${nowMs - t} ms`).toEqual(expected(events, nowMs, w)));
        expect(counts.sum(nowMs, 3 * DAY)).toEqual(expected(events, nowMs, 3 * DAY));
      }
    }
  });
});
