// `faultline replay --predictions`: replays scenarios over a range of seeds and scores the
// predictor on each run (the final version of each prediction against what followed), then prints
// precision, recall and median lead per failure type and over all of them; and recall again without
// the failures a scenario declares sudden (a no_predictions entry at any score), which nothing
// could have foreseen.
import type { AgentConfig } from '../../core/component.ts';
import { generate } from '../simulate/generate.ts';
import { renderSpans } from '../simulate/render.ts';
import type { PredictedFailure } from '../../core/model/prediction.ts';
import type { Scenario } from '../simulate/scenario-schema.ts';
import { accuracyByType, finalPredictions, summarize, type Summary, type TypeAccuracy } from './prediction-accuracy.ts';
import { replay } from './run-replay.ts';
import { withScenarioDetectors } from './scenario-detectors.ts';
import { formatDuration } from './timeline.ts';

/** The scenarios the predictor is judged on when none are named. */
export const PREDICTION_SCENARIOS = [
  'rate-limit-exhaustion',
  'rate-limit-slow-ramp',
  'latency-creep',
  'provider-outage',
  'provider-brownout',
  'healthy-traffic',
];

export interface BenchResult {
  byType: Map<string, TypeAccuracy>;
  overall: Summary;
}

/** A miss of a kind the scenario says must not be predicted at any score: it declares the failure sudden. */
const declaredSudden = (scenario: Scenario, p: PredictedFailure): boolean =>
  p.status === 'missed' &&
  scenario.expectations.no_predictions.some(
    (a) => a.min_score === 0 && (a.failure_type ?? p.failure_type) === p.failure_type && (a.provider ?? p.provider) === p.provider,
  );

export async function runPredictionBench(
  scenarios: readonly Scenario[],
  seeds: readonly number[],
  config: AgentConfig,
  write: (line: string) => void,
  env?: NodeJS.ProcessEnv,
): Promise<BenchResult> {
  const byType = new Map<string, TypeAccuracy>();
  let sudden = 0;
  const suddenIn = new Set<string>();
  for (const base of scenarios) {
    for (const seed of seeds) {
      const scenario = { ...base, seed };
      const sim = generate(scenario);
      const report = await replay(
        { spans: renderSpans(sim), logs: [], firstFailureMs: sim.firstFaultMs, scenario },
        withScenarioDetectors(config, scenario),
        { env },
      );
      const final = finalPredictions(report.predictions.map((p) => p.item));
      const run = accuracyByType(final);
      accuracyByType(final, byType);
      const declared = final.filter((p) => declaredSudden(scenario, p)).length;
      if (declared > 0) suddenIn.add(scenario.name);
      sudden += declared;
      write(`${scenario.name.padEnd(24)} seed ${String(seed).padStart(2)}  ${describeRun(run, report.startMs, final)}`);
    }
  }
  const overall = summarize(byType.values());
  write('');
  write('failure type           confirmed  false alarms  missed  cancelled  precision  recall  median lead');
  for (const [type, a] of [...byType].sort()) {
    const s = summarize([a]);
    write(
      `${type.padEnd(22)} ${pad(a.confirmed, 9)}  ${pad(a.expired + a.unresolved, 12)}  ${pad(a.missed, 6)}  ${pad(a.cancelled, 9)}  ${fmt(s.precision).padStart(9)}  ${fmt(s.recall).padStart(6)}  ${lead(s.medianLeadSecs).padStart(11)}`,
    );
  }
  write(
    `overall: recall ${fmt(overall.recall)}, precision ${fmt(overall.precision)}, median lead ${lead(overall.medianLeadSecs)} (${overall.confirmed} confirmed, ${overall.falseAlarms} false alarms, ${overall.missed} missed) over ${scenarios.length} scenarios × ${seeds.length} seeds`,
  );
  const foreseeable = overall.confirmed + overall.missed - sudden;
  const recallWithPrecursor = foreseeable > 0 ? overall.confirmed / foreseeable : null;
  if (sudden > 0)
    write(
      `with a precursor: recall ${fmt(recallWithPrecursor)} (${overall.confirmed} of ${foreseeable}), leaving out ${sudden} missed failures their scenario declares sudden (no_predictions at any score: ${[...suddenIn].join(', ')})`,
    );
  return { byType, overall };
}

function describeRun(
  run: Map<string, TypeAccuracy>,
  startMs: number,
  final: readonly { status: string; predicted_at: string; failure_type: string; score: number }[],
): string {
  if (run.size === 0) return 'no predictions, no failures of a predicted type';
  const parts: string[] = [];
  for (const [type, a] of run) {
    const bits = [
      a.confirmed ? `${a.confirmed} confirmed (lead ${a.leads.map((l) => `${Math.round(l)}s`).join(', ')})` : '',
      a.expired + a.unresolved
        ? `${a.expired + a.unresolved} false alarm${a.expired + a.unresolved > 1 ? 's' : ''} (peak ${a.falseAlarmPeak})`
        : '',
      a.missed ? `${a.missed} missed` : '',
      a.cancelled ? `${a.cancelled} cancelled` : '',
    ].filter(Boolean);
    parts.push(`${type}: ${bits.join(', ')}`);
  }
  const first = final.filter((p) => p.status !== 'missed').sort((a, b) => a.predicted_at.localeCompare(b.predicted_at))[0];
  return `${parts.join('; ')}${first ? `  [first prediction at +${formatDuration(Date.parse(first.predicted_at) - startMs)}]` : ''}`;
}

const pad = (n: number, w: number) => String(n).padStart(w);
const fmt = (x: number | null) => (x === null ? '-' : x.toFixed(2));
const lead = (x: number | null) => (x === null ? '-' : `${Math.round(x)}s`);
