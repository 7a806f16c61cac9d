// `faultline slo rules` against Prometheus's own rule engine: the rules printed for agent.yaml's
// SLOs pass `promtool check rules`, and `promtool test rules` evaluates them on counter series
// shaped like the agent's: an outage (a quarter of requests failing) fires the page and ticket
// alerts with Sloth's series behind them; one error in very light traffic fires nothing (the
// minimum count of bad events). Run by `npm run test:e2e`, which installs Prometheus when missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { AlertingRule, RuleGroup } from '../../agent/tools/slo-rules.ts';
import { runCli } from '../support/cli.ts';

let dir: string;
let rulesFile: string;
let groups: RuleGroup[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-slo-rules-'));
  const printed = await runCli(['slo', 'rules', '--config', 'agent.yaml']);
  expect(printed.code, printed.stderr).toBe(0);
  rulesFile = join(dir, 'slo-rules.yml');
  writeFileSync(rulesFile, printed.stdout);
  groups = (parse(printed.stdout) as { groups: RuleGroup[] }).groups;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SERIES = '{sloth_service="genai",sloth_slo="availability"}';
const alertsOf = (slo: string) =>
  groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r && r.labels.sloth_slo === slo);

function promtoolTest(tests: unknown[]): { status: number | null; output: string } {
  const file = join(dir, `test-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, stringify({ rule_files: [rulesFile], evaluation_interval: '1m', tests }));
  const r = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('faultline slo rules in Prometheus', () => {
  it('passes promtool check rules', () => {
    const r = spawnSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('pages and tickets on an outage, with Sloth’s series recorded', () => {
    // 60 requests a minute for two hours; from minute 60 a quarter of them fail.
    const expected = alertsOf('availability').map((a) => ({ exp_labels: a.labels, exp_annotations: a.annotations }));
    expect(expected.map((e) => e.exp_labels.burn_alert)).toEqual(['page-fast', 'page-slow', 'ticket']);
    const r = promtoolTest([
      {
        interval: '1m',
        input_series: [
          { series: `genai_slo_events_total${SERIES}`, values: '0+60x120' },
          { series: `genai_slo_bad_events_total${SERIES}`, values: '0+0x60 15+15x60' },
        ],
        alert_rule_test: [
          { eval_time: '50m', alertname: 'GenAISloBurnRate', exp_alerts: [] },
          { eval_time: '90m', alertname: 'GenAISloBurnRate', exp_alerts: expected },
        ],
        promql_expr_test: [
          {
            expr: 'slo:sli_error:ratio_rate5m{sloth_slo="availability"}',
            eval_time: '90m',
            exp_samples: [
              {
                labels:
                  'slo:sli_error:ratio_rate5m{sloth_id="genai-availability",sloth_service="genai",sloth_slo="availability",sloth_window="5m"}',
                value: 0.25,
              },
            ],
          },
          {
            expr: 'round(slo:current_burn_rate:ratio{sloth_slo="availability"}, 0.01)',
            eval_time: '90m',
            exp_samples: [
              {
                labels: '{sloth_id="genai-availability",sloth_service="genai",sloth_slo="availability"}',
                value: 50,
              },
            ],
          },
        ],
      },
    ]);
    expect(r.status, r.output).toBe(0);
  });

  it('fires nothing for one error in light traffic', () => {
    // One request every ten minutes; one of them fails at minute 60: a high ratio, one bad event.
    const r = promtoolTest([
      {
        interval: '1m',
        input_series: [
          { series: `genai_slo_events_total${SERIES}`, values: '0+0.1x120' },
          { series: `genai_slo_bad_events_total${SERIES}`, values: '0+0x60 1+0x60' },
        ],
        alert_rule_test: [{ eval_time: '65m', alertname: 'GenAISloBurnRate', exp_alerts: [] }],
        promql_expr_test: [
          // Without the minimum count the fast page's windows would both be over 14.4 × 0.005.
          {
            expr: 'round(slo:sli_error:ratio_rate1h{sloth_slo="availability"}, 0.0001) > 0.072',
            eval_time: '65m',
            exp_samples: [
              {
                labels: '{sloth_id="genai-availability",sloth_service="genai",sloth_slo="availability",sloth_window="1h"}',
                value: 0.1667,
              },
            ],
          },
        ],
      },
    ]);
    expect(r.status, r.output).toBe(0);
  });
});
