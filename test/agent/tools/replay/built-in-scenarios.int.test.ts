// Every built-in scenario replays through the repository's agent.yaml pipeline and passes its own
// --check: the expectations in agent/tools/simulate/scenarios/*.yaml were written from each scenario's
// story, not from what the detectors happened to report.
import { describe, expect, it } from 'vitest';
import { builtInScenarioNames } from '../../../../agent/tools/simulate/load-scenario.ts';
import { runCli } from '../../../support/cli.ts';

const LONG = new Set(['seasonal-latency-step']);

describe('faultline replay --check on every built-in scenario', () => {
  const names = builtInScenarioNames();

  it('has the twenty built-in scenarios: canonical, chaos and operational', () => {
    expect(names).toEqual([
      'anthropic-overload',
      'cost-explosion',
      'fallback-cascade',
      'gemini-safety-blocks',
      'healthy-traffic',
      'injection-campaign',
      'latency-creep',
      'latency-injection',
      'model-update-hallucination',
      'prompt-injection',
      'provider-brownout',
      'provider-outage',
      'quiet-single-error',
      'rate-limit-exhaustion',
      'rate-limit-slow-ramp',
      'response-corruption',
      'retrieval-drift',
      'seasonal-latency-step',
      'team-budget-breach',
      'two-independent-faults',
    ]);
  });

  for (const name of names) {
    // Multi-day scenarios replay hundreds of thousands of spans.
    it(`passes every expectation of ${name}`, { timeout: LONG.has(name) ? 900_000 : 120_000 }, async () => {
      const { code, stdout, stderr } = await runCli(['replay', '--scenario', name, '--check']);
      expect(stderr).toBe('');
      expect(stdout).toMatch(/check: \d+ passed, 0 failed/);
      expect(stdout).not.toContain('MISS');
      expect(code).toBe(0);
    });
  }
});
