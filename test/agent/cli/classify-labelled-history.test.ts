// The cost and data labels judged one case at a time: each case classified alone, with nothing
// before it but the history prefix it carries (the ordinary traffic of its route, model or
// collection), so a label is found because of its own history, not a neighbour's. Windowed
// checks (rolling medians, baselines, drift windows) judge nothing without that prefix.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { renderLabelledSetJson } from '../../fixtures/labelled/generate-labelled-set.ts';
import { buildCaseAlone, CASE_GROUPS } from '../../fixtures/labelled/labelled-set.ts';
import { LABELLED_SET_CONFIG } from '../../fixtures/labelled/print-scores.ts';
import { computeScores } from '../../fixtures/labelled/score.ts';
import { runCli } from '../../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'faultline-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tally = { cost: { support: 0, found: 0 }, data: { support: 0, found: 0 } };
const missed: string[] = [];

beforeAll(async () => {
  for (const group of ['cost', 'data'] as const) {
    const builders = CASE_GROUPS[group];
    for (const [i, build] of builders.entries()) {
      const labels = buildCaseAlone(group, build, i);
      const path = join(dir, `${group}-${i}.json`);
      writeFileSync(path, renderLabelledSetJson(labels));
      const r = await runCli(['classify', '--config', LABELLED_SET_CONFIG, path]);
      const events = r.stdout
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => FailureEvent.parse(JSON.parse(l)));
      const s = computeScores(labels, events).categories.find((c) => c.category === group)!;
      tally[group].support += s.support;
      tally[group].found += s.truePositives;
      missed.push(...computeScores(labels, events).falseNegatives.filter((m) => m.startsWith(group)));
    }
  }
}, 600_000);

// Today: cost 12/14, data 12/12. The two cost misses: a retry storm whose last attempt's outage
// ranks first (the storm is a secondary match), and a batch overrun, which needs a batch budget in
// the configuration (the full set finds it only as a token spike, thanks to other cases' traffic).
describe('cost and data labels with their own history only', () => {
  it('are found case by case: cost recall ≥ 0.85, data recall ≥ 0.99', () => {
    console.log(
      `\ncost recall ${tally.cost.found}/${tally.cost.support}, data recall ${tally.data.found}/${tally.data.support}, each case alone with its history${missed.length > 0 ? `\nmissed: ${missed.join('; ')}` : ''}\n`,
    );
    expect(tally.cost.support).toBeGreaterThanOrEqual(10);
    expect(tally.data.support).toBeGreaterThanOrEqual(10);
    expect(tally.cost.found / tally.cost.support, missed.join('; ')).toBeGreaterThanOrEqual(0.85);
    expect(tally.data.found / tally.data.support, missed.join('; ')).toBeGreaterThanOrEqual(0.99);
  });
});
