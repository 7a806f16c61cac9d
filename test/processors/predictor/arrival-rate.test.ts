import { describe, expect, it } from 'vitest';
import { ArrivalRate } from '../../../processors/predictor/arrival-rate.ts';

/** Calls every 100 ms of `amount(t)` each, from `from` to `to` seconds; returns the total sent in the minute before `to`. */
function send(rate: ArrivalRate, from: number, to: number, amount: (t: number) => number): number {
  let lastMinute = 0;
  for (let ms = from * 1000; ms < to * 1000; ms += 100) {
    const a = amount(ms / 1000);
    rate.add(ms, a);
    if (ms >= (to - 60) * 1000) lastMinute += a;
  }
  return lastMinute;
}

describe('ArrivalRate', () => {
  it('paces steady traffic at the share of the limit one window of it uses', () => {
    const rate = new ArrivalRate(60, 60);
    const used = send(rate, 0, 180, () => 1); // 10 per second
    expect(rate.pace(used, 1_000)).toBeCloseTo(0.6, 1);
  });

  it('paces a step in traffic by its trend for one window, then at the share of the limit the new rate uses', () => {
    // 10/s, then 15/s from 120 s: a sliding minute of 1,000 climbs from 600 to 900 and stops there.
    const rate = new ArrivalRate(60, 60);
    send(rate, 0, 120, () => 1);
    const early = rate.pace(
      send(rate, 120, 150, () => 1.5),
      1_000,
    )!;
    expect(early).toBeGreaterThan(0.95); // the rise could be a ramp
    const settled = rate.pace(
      send(rate, 150, 190, () => 1.5),
      1_000,
    )!;
    expect(settled).toBeCloseTo(0.9, 1);
  });

  it('paces traffic that keeps rising over the limit before the window holds it', () => {
    // 10/s rising by 0.1/s every second: 22/s at 120 s, 28/s (a minute of 1,680) at 180 s.
    const rate = new ArrivalRate(60, 60);
    const used = send(rate, 0, 120, (t) => (10 + t / 10) / 10);
    expect(used).toBeLessThan(1_200); // of a limit of 1,500
    expect(rate.pace(used, 1_500)).toBeGreaterThan(1.05);
    // Projected two minutes ahead instead of one, the rise counts twice over the current rate.
    const [now, further] = [new ArrivalRate(60, 0), new ArrivalRate(60, 120)];
    for (const r of [now, further]) send(r, 0, 120, (t) => (10 + t / 10) / 10);
    const current = now.pace(used, 1_500)!;
    expect(further.pace(used, 1_500)! - current).toBeCloseTo(2 * (rate.pace(used, 1_500)! - current), 5);
  });

  it('scales the pace by what the headers count beyond these calls, and gives none when the calls explain too little of it', () => {
    const rate = new ArrivalRate(60, 60);
    const sent = send(rate, 0, 180, () => 1);
    expect(rate.pace(sent * 1.25, 1_000)).toBeCloseTo(0.75, 1);
    expect(rate.pace(sent * 2, 1_000)).toBeNull();
  });

  it('gives no pace before anything was counted, or after a window with nothing', () => {
    const rate = new ArrivalRate(60, 60);
    expect(rate.pace(100, 1_000)).toBeNull();
    rate.add(0, 10);
    rate.add(200_000, 0);
    expect(rate.pace(100, 1_000)).toBeNull();
  });
});
