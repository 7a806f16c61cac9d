// seasonal-latency-step under other seeds: three days of a 1.6× business-hours latency swing must
// never be reported, and the 2.5× step on claude-sonnet-4-5 on day three must be, within 300 s,
// whatever the random draws. One test per seed: each replays about 200,000 spans, so `npm test`
// takes one seed and `npm run test:seeds` all of 1–10.
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../support/cli.ts';
import { seedsLabel, sweepSeeds } from '../../../support/seeds.ts';

const SEEDS = sweepSeeds([7]);

describe(`faultline replay --check seasonal-latency-step under seeds ${seedsLabel(SEEDS)}`, () => {
  for (const seed of SEEDS) {
    it(`reports the step within 300 s and no false latency episode with seed ${seed}`, { timeout: 900_000 }, async () => {
      const { code, stdout, stderr } = await runCli(['replay', '--scenario', 'seasonal-latency-step', '--seed', String(seed), '--check']);
      expect(stderr).toBe('');
      expect(stdout).toContain(`(seed ${seed})`);
      expect(stdout).toMatch(/ok {4}provider\/latency_degradation anthropic claude-sonnet-4-5: MTTD [\d.ms]+ \(≤ 300s\)/);
      expect(stdout).toMatch(/ok {4}no provider\/latency_degradation between the first span and \+62h00m00\.0s/);
      expect(stdout).toMatch(/check: \d+ passed, 0 failed/);
      expect(code).toBe(0);
    });
  }
});
