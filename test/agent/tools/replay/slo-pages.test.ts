// The burn-rate alerts on simulated traffic, for ten seeds each: a provider outage pages the
// availability SLO within five minutes and pages no SLO but availability and (on the threshold, see
// the scenario) goodput, and its incidents count the requests
// and users the simulator failed within 10 %; a quiet service with one failed call pages nothing
// (the SLOs' minimum count of bad requests). Replayed through agent.yaml.
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../../config/load.ts';
import { registry } from '../../../../agent/registry.ts';
import { replay } from '../../../../agent/tools/replay/run-replay.ts';
import { withScenarioDetectors } from '../../../../agent/tools/replay/scenario-detectors.ts';
import { generate } from '../../../../agent/tools/simulate/generate.ts';
import { groundTruth } from '../../../../agent/tools/simulate/ground-truth.ts';
import { loadBuiltInScenario } from '../../../../agent/tools/simulate/load-scenario.ts';
import { renderSpans } from '../../../../agent/tools/simulate/render.ts';
import type { Scenario } from '../../../../agent/tools/simulate/scenario-schema.ts';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

async function sloLines(scenario: Scenario): Promise<{ lines: string[]; failed: string[] }> {
  const config = withScenarioDetectors(loadConfigFile('agent.yaml', registry, { env: {} }), scenario);
  const sim = generate(scenario);
  const report = await replay(
    { spans: renderSpans(sim), logs: [], firstFailureMs: sim.firstFaultMs, scenario, truth: groundTruth(sim) },
    config,
  );
  const lines = report.check!.lines.filter(
    (l) => l.includes('slo page') || l.includes('SLO paged') || l.includes('slo_burn') || l.includes('  impact '),
  );
  return { lines, failed: lines.filter((l) => l.includes('MISS')) };
}

describe('SLO pages on simulated traffic, seeds 1 to 10', () => {
  for (const seed of SEEDS) {
    it(
      `pages availability within 5 minutes of a provider outage and no unexpected SLO, its impact within 10 % (seed ${seed})`,
      { timeout: 180_000 },
      async () => {
        const scenario = { ...loadBuiltInScenario('provider-outage'), seed };
        const { lines, failed } = await sloLines(scenario);
        expect(lines.some((l) => l.includes('slo page availability: paged'))).toBe(true);
        expect(lines.filter((l) => l.includes('impact provider/outage openai'))).toHaveLength(2);
        expect(failed, lines.join('\n')).toEqual([]);
      },
    );

    it(`pages nothing for one failed call in quiet traffic (seed ${seed})`, { timeout: 180_000 }, async () => {
      const scenario = { ...loadBuiltInScenario('quiet-single-error'), seed };
      const sim = generate(scenario);
      // The simulator failed exactly one request: the input this expectation is about.
      expect(sim.plans.filter((p) => p.attempts.some((a) => a.error !== null)).length).toBe(1);
      const { lines, failed } = await sloLines(scenario);
      expect(lines).toContain('  ok    no other SLO paged');
      expect(failed, lines.join('\n')).toEqual([]);
    });
  }
});
