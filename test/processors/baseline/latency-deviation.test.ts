import { describe, expect, it } from 'vitest';
import baseline from '../../../processors/baseline/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { businessHours, calls, DAY, episodeStarts, feed, HOUR, MONDAY } from './traffic.ts';

const create = (overrides: Record<string, unknown> = {}) => baseline.create(baseline.configSchema.parse(overrides), makeProcessorContext());

/** A day and a half of business-hours traffic (1.6× slower 09–18 UTC), then `step` × on Tuesday at 14:07 for 20 minutes. */
function steppedDays(seed: number, rate: number, sigma: number, step: number) {
  const stepAt = MONDAY + DAY + 14 * HOUR + 7 * 60_000;
  const season = businessHours(1.6);
  const traffic = calls({
    seed,
    startMs: MONDAY,
    durationMs: stepAt + 30 * 60_000 - MONDAY,
    rate,
    sigma,
    rateScale: (ms) => 0.3 + (season(ms) - 1) * 2,
    latency: (ms) => season(ms) * (ms >= stepAt && ms < stepAt + 20 * 60_000 ? step : 1),
  });
  return { stepAt, traffic };
}

describe('baseline: latency deviations', () => {
  // Rates from a quiet key (0.3 calls/s, about 50 calls in a window) to a busy one, latency spreads
  // from tight to heavy-tailed: a 2.5× step is found within 300 s in every one, and the daily 1.6×
  // swing never is.
  const cases = [
    { rate: 0.3, sigma: 0.5 },
    { rate: 1, sigma: 0.8 },
    { rate: 2, sigma: 0.3 },
  ];
  for (const { rate, sigma } of cases) {
    it(`reports a 2.5× step within 300 s and never the daily swing (${rate} calls/s, sigma ${sigma})`, { timeout: 120_000 }, async () => {
      for (const seed of [1, 2, 3]) {
        const { stepAt, traffic } = steppedDays(seed, rate, sigma, 2.5);
        const found = await feed(await create(), traffic);
        const latency = episodeStarts(found).filter((f) => f.signal.evidence.metric === 'latency_p95');
        expect(latency.map((f) => f.atMs >= stepAt && f.atMs < stepAt + 300_000)).toEqual([true]);
        const e = latency[0].signal.evidence;
        expect(e.ratio).toBeGreaterThanOrEqual(2);
        expect(e.current_p95_ms as number).toBeGreaterThan(2 * (e.baseline_p95_ms as number));
        expect(e.slot).toBe(24 + 14); // Tuesday 14:00 UTC
        expect(e.samples as number).toBeGreaterThanOrEqual(20);
        expect(latency[0].signal).toMatchObject({
          category: 'provider',
          subtype: 'latency_degradation',
          detection_method: 'learned_baseline',
          window: { scope: 'baseline/latency_p95/anthropic/claude-sonnet-4-5', start_ms: Math.round(latency[0].atMs) },
        });
      }
    });
  }

  it('reports nothing on a week of traffic whose latency swings ±60 % around its mean every day', { timeout: 120_000 }, async () => {
    // A sine over the day: 0.4× at 04:00, 1.6× at 16:00; rate follows it.
    const swing = (ms: number) => 1 + 0.6 * Math.sin((2 * Math.PI * ((ms % DAY) / HOUR - 10)) / 24);
    const found = await feed(
      await create(),
      calls({ seed: 9, startMs: MONDAY, durationMs: 7 * DAY, rate: 0.4, rateScale: swing, latency: swing }),
    );
    expect(found).toEqual([]);
  });

  it(
    'judges a slot against earlier passes of its hour, not against the hour itself, so a slow creep is found',
    { timeout: 60_000 },
    async () => {
      // Latency grows 25 % a minute for ten minutes from 09:20 on the third day.
      const creepAt = MONDAY + 2 * DAY + 9 * HOUR + 20 * 60_000;
      const creep = (ms: number) => (ms < creepAt ? 1 : 1 + Math.min(10, (ms - creepAt) / 60_000) * 0.25);
      const found = await feed(
        await create(),
        calls({ seed: 4, startMs: MONDAY, durationMs: 2 * DAY + 10 * HOUR, rate: 0.5, latency: creep }),
      );
      const first = found.find((f) => f.signal.evidence.metric === 'latency_p95');
      expect(first).toBeDefined();
      expect(first!.atMs - creepAt).toBeLessThan(300_000);
    },
  );

  it('reports one episode while the step lasts and re-arms once latency is back', async () => {
    const start = MONDAY + 10 * HOUR;
    const steps = [start + 3 * HOUR, start + 5 * HOUR];
    const latency = (ms: number) => (steps.some((s) => ms >= s && ms < s + 30 * 60_000) ? 3 : 1);
    const found = await feed(await create(), calls({ seed: 5, startMs: start, durationMs: 7 * HOUR, rate: 1, latency }));
    const episodes = episodeStarts(found).filter((f) => f.signal.evidence.metric === 'latency_p95');
    expect(episodes.map((f) => steps.findIndex((s) => f.atMs >= s && f.atMs < s + 300_000))).toEqual([0, 1]);
  });

  it('reports a lasting episode again every reminder_ms (continued, with its start), and stops once latency is back', async () => {
    const start = MONDAY + 10 * HOUR;
    const stepAt = start + 3 * HOUR;
    const latency = (ms: number) => (ms >= stepAt && ms < stepAt + 30 * 60_000 ? 3 : 1);
    const found = await feed(await create(), calls({ seed: 5, startMs: start, durationMs: 5 * HOUR, rate: 1, latency }));
    const [first, ...again] = found.filter((f) => f.signal.evidence.metric === 'latency_p95');
    expect(first.signal.evidence.continued).toBeUndefined();
    // Reported through the 30-minute step: due at the first slice end (30 s slices) 2 minutes after
    // the last report, made on the next call slower than the threshold; none once it is over.
    const times = [first, ...again].map((f) => f.atMs);
    expect(times.at(-1)! - stepAt).toBeGreaterThan(25 * 60_000);
    for (let i = 1; i < times.length; i++) {
      expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(120_000);
      expect(times[i] - times[i - 1]).toBeLessThan(240_000); // under the incidents' 5-minute quiet period
    }
    expect(times.at(-1)!).toBeLessThan(stepAt + 30 * 60_000 + 180_000); // the window (3 min) still holds slow calls
    for (const f of again) {
      expect(f.signal.evidence).toMatchObject({ continued: true, episode_started_at: new Date(first.atMs).toISOString() });
      expect(f.signal.subtype).toBe('latency_degradation');
      expect(f.signal.window!.start_ms).toBe(Math.round(f.atMs)); // its own failure id
    }
  });

  it('does not judge a profile before min_samples calls', async () => {
    const start = MONDAY + 10 * HOUR;
    // 190 calls, four times slower from the 100th second: too few calls to judge with the default 200.
    const shape = { seed: 6, startMs: start, durationMs: 190_000, rate: 1, latency: (ms: number) => (ms >= start + 100_000 ? 4 : 1) };
    expect(await feed(await create(), calls(shape))).toEqual([]);
    const judged = await feed(await create({ min_samples: 50 }), calls(shape));
    expect(judged.map((f) => f.signal.evidence.metric)).toEqual(['latency_p95']);
    expect(judged[0].signal.evidence.profile_ready).toBe(false);
  });

  it('keeps the static p95 as the floor of a profile that is not ready', async () => {
    const start = MONDAY + 10 * HOUR;
    // A fast model (200 ms) tripling to 600 ms: below twice the static 2 s floor until the profile is ready.
    const slow = (ms: number) => (ms >= start + 400_000 ? 3 : 1);
    const shape = { seed: 7, startMs: start, durationMs: 900_000, rate: 1, medianMs: 200, latency: slow };
    expect(await feed(await create(), calls(shape))).toEqual([]);
    const ready = await feed(await create({ ready_samples: 300 }), calls(shape));
    expect(ready.map((f) => f.signal.evidence.metric)).toContain('latency_p95');
  });
});
