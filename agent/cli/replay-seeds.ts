// `faultline replay --seeds 1-10 --scenario A [--scenario B …]`: every scenario under every seed,
// one line per replay (its check, whether the correlator found the declared root, how far it
// compressed the failures), then the totals — how often the root cause was right over the
// scenarios that declare one. What a scenario's expectations hold under seeds nobody tuned for.
import type { Writable } from 'node:stream';
import type { AgentConfig } from '../core/component.ts';
import { replay, type ReplayReport } from '../tools/replay/run-replay.ts';
import { withScenarioDetectors } from '../tools/replay/scenario-detectors.ts';
import { generate } from '../tools/simulate/generate.ts';
import { groundTruth } from '../tools/simulate/ground-truth.ts';
import { renderSpans } from '../tools/simulate/render.ts';
import type { Scenario } from '../tools/simulate/scenario-schema.ts';

/** "1-10", "1,6,9" or "3" → the seeds; null when the text is none of those. */
export function parseSeeds(text: string): number[] | null {
  const seeds: number[] = [];
  for (const part of text.split(',')) {
    const range = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(part.trim());
    if (!range) return null;
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from || to - from > 10_000) return null;
    for (let s = from; s <= to; s++) seeds.push(s);
  }
  return seeds.length > 0 ? seeds : null;
}

interface RunLine {
  scenario: string;
  seed: number;
  passed: number;
  failed: number;
  /** null: the scenario declares no root. */
  rootRight: boolean | null;
  compression: number | null;
}

/** Replays each scenario (with the seed it carries), one line each, then the totals. */
export async function replayMany(
  scenarios: readonly Scenario[],
  config: AgentConfig,
  options: { check: boolean; env: NodeJS.ProcessEnv; stdout: Writable },
): Promise<{ lines: RunLine[]; anyMiss: boolean }> {
  const lines: RunLine[] = [];
  for (const scenario of scenarios) {
    const sim = generate(scenario);
    const report = await replay(
      { spans: renderSpans(sim), logs: [], firstFailureMs: sim.firstFaultMs, scenario, truth: groundTruth(sim) },
      withScenarioDetectors(config, scenario),
      { env: options.env },
    );
    const line = summarize(scenario, report);
    lines.push(line);
    options.stdout.write(`${formatLine(line, report, options.check)}\n`);
  }
  options.stdout.write(formatTotals(lines));
  return { lines, anyMiss: options.check && lines.some((l) => l.failed > 0) };
}

function summarize(scenario: Scenario, r: ReplayReport): RunLine {
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    passed: r.check?.passed ?? 0,
    failed: r.check?.failed ?? 0,
    rootRight: r.check?.correlationsHeld ?? null,
    compression: r.correlations?.compression ?? null,
  };
}

function formatLine(l: RunLine, r: ReplayReport, check: boolean): string {
  const parts = [`${l.scenario} seed ${l.seed}:`];
  if (check) parts.push(`check ${l.passed} passed, ${l.failed} failed;`);
  if (l.rootRight !== null) parts.push(l.rootRight ? 'root right;' : 'root WRONG;');
  const c = r.correlations;
  if (c) {
    const roots = c.clusters.map((x) => `${x.cluster.root_cause.category}/${x.cluster.root_cause.subtype}`).join(', ');
    parts.push(
      `${c.events} events → ${c.clusters.length} cluster${c.clusters.length === 1 ? '' : 's'} + ${c.alone} alone` +
        `${l.compression === null ? '' : ` (${l.compression.toFixed(1)}:1)`}${roots ? `; roots: ${roots}` : ''}`,
    );
  }
  let out = parts.join(' ');
  if (check) for (const miss of r.check?.lines.filter((x) => x.trimStart().startsWith('MISS')) ?? []) out += `\n    ${miss.trim()}`;
  return out;
}

function formatTotals(lines: readonly RunLine[]): string {
  const judged = lines.filter((l) => l.rootRight !== null);
  const right = judged.filter((l) => l.rootRight).length;
  let out = `\n${lines.length} replays`;
  if (lines.some((l) => l.passed + l.failed > 0)) out += `, ${lines.filter((l) => l.failed === 0).length} passed every check`;
  out += '\n';
  if (judged.length > 0) {
    const scenarios = new Set(judged.map((l) => l.scenario)).size;
    out += `root cause right in ${right}/${judged.length} replays (${((100 * right) / judged.length).toFixed(1)}%) of ${scenarios} scenario${scenarios === 1 ? '' : 's'} declaring a root\n`;
  }
  for (const name of new Set(lines.map((l) => l.scenario))) {
    const ratios = lines.filter((l) => l.scenario === name && l.compression !== null).map((l) => l.compression!);
    if (ratios.length === 0) continue;
    ratios.sort((a, b) => a - b);
    out += `  ${name}: compression min ${ratios[0].toFixed(1)}:1, median ${ratios[Math.floor(ratios.length / 2)].toFixed(1)}:1\n`;
  }
  return out;
}
