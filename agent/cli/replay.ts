import { existsSync } from 'node:fs';
import type { AgentConfig } from '../core/component.ts';
import { parseArgs } from 'node:util';
import { loadConfigFile } from '../../config/load.ts';
import { ConfigError } from '../../config/errors.ts';
import type { OtlpLogRecord, OtlpSpan } from '../core/model/otlp.ts';
import { defaultOfflineConfig } from '../tools/offline.ts';
import { registry } from '../registry.ts';
import { replay, type ReplayReport } from '../tools/replay/run-replay.ts';
import { withScenarioDetectors } from '../tools/replay/scenario-detectors.ts';
import { formatCorrelations } from '../tools/replay/correlations.ts';
import { parseSeeds, replayMany } from './replay-seeds.ts';
import { formatDuration, formatImpacts, formatTimeline } from '../tools/replay/timeline.ts';
import { PREDICTION_SCENARIOS, runPredictionBench } from '../tools/replay/prediction-bench.ts';
import { generate } from '../tools/simulate/generate.ts';
import { groundTruth, type GroundTruth } from '../tools/simulate/ground-truth.ts';
import { loadScenario } from '../tools/simulate/load-scenario.ts';
import { renderSpans } from '../tools/simulate/render.ts';
import type { Scenario } from '../tools/simulate/scenario-schema.ts';
import { sendSpans, TargetError } from '../tools/simulate/send-otlp.ts';
import { EXIT, type Command } from './command.ts';
import { createProgress } from './progress.ts';
import { InputFileError, readTelemetryFile } from './read-telemetry-file.ts';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Replay a scenario or recorded OTLP files through the pipeline on event time; print the timeline.',
  help: `Usage: faultline replay --scenario NAME|FILE [--check] [--config FILE] [--seed N]
       faultline replay --scenario NAME|FILE [--scenario …] --seeds 1-10 [--check] [--config FILE]
       faultline replay FILE... [--config FILE]
       faultline replay (--scenario NAME|FILE | FILE...) --target URL [--speed X]
       faultline replay --predictions [--scenario NAME,NAME...] [--seeds 1-10] [--config FILE]

Runs the telemetry through the configured pipeline in process, on event time (a manual clock
follows the spans and fires timers as time passes, so a three-hour incident replays in seconds),
with no network, no database and no files written. Prints the timeline: each incident opened,
escalated and resolved (when the pipeline has an incidents processor), otherwise each episode of
failure events per category/subtype/provider/model, with its time from the first failing span
(MTTD) and severity.

Input: a scenario (built-in name or YAML file; see faultline simulate --list), or recorded files:
OTLP/JSON (one request, an array, or one per line — what the file exporter writes) or protobuf.

Options:
  -s, --scenario NAME|FILE  simulate this scenario and replay it
      --check               compare with the scenario's expectations; exit 4 on any miss
  -c, --config FILE         pipeline configuration (default: agent.yaml when present, else the
                            built-in normalize → trace_assembler → detectors → classifier);
                            its receivers, exporters and storage are not used; a
                            scenario's own detectors: settings are merged over it
      --seed N              override the scenario's seed
      --seeds LIST          replay each --scenario (repeatable) under each seed (1-10, or 1,6,9) and
                            print one line per replay and the totals: checks passed, how often the
                            correlator found each declared root cause, the compression of failures
                            into clusters; with --predictions, the seeds to score (default 1-10)
      --predictions         score the predictor: replay each scenario (default: ${PREDICTION_SCENARIOS.join(', ')})
                            for each seed of --seeds and print recall, precision and median lead
                            per failure type and overall, then recall without the failures a
                            scenario declares sudden (no_predictions at any score); the
                            pipeline needs a predictor
  -t, --target URL          instead, stream to a running agent's OTLP/HTTP endpoint
      --speed X             with --target: X × real time (default 1); "max" as fast as accepted

Exit codes: 0 done (and every check passed), 1 invalid options, scenario or configuration,
2 unreadable input, 3 the target failed, 4 --check found a miss.`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        scenario: { type: 'string', short: 's', multiple: true },
        check: { type: 'boolean', default: false },
        config: { type: 'string', short: 'c' },
        seed: { type: 'string' },
        seeds: { type: 'string' },
        target: { type: 'string', short: 't' },
        speed: { type: 'string', default: '1' },
        predictions: { type: 'boolean', default: false },
      },
    });
    const bad = (message: string, code: number = EXIT.invalid) => {
      io.stderr.write(`faultline replay: ${message}\n`);
      return code;
    };
    if (values.predictions) return runPredictions(values, positionals, io, bad);
    const scenarioNames = values.scenario ?? [];
    if (scenarioNames.length === 0 && positionals.length === 0)
      return bad('give --scenario NAME|FILE or recorded FILEs (see faultline replay --help)');
    if (scenarioNames.length > 0 && positionals.length > 0) return bad('give either --scenario or FILEs, not both');
    if (values.check && scenarioNames.length === 0) return bad('--check needs --scenario: recorded files declare no expectations');
    if (values.seeds !== undefined || scenarioNames.length > 1) {
      if (values.target) return bad('--seeds and several --scenario replay in process; give one --scenario with --target');
      if (values.seed !== undefined) return bad('give --seed or --seeds, not both');
      const seeds = values.seeds === undefined ? null : parseSeeds(values.seeds);
      if (values.seeds !== undefined && seeds === null)
        return bad(`--seeds must be a range or list such as 1-10 or 1,6,9, got "${values.seeds}"`);
      let scenarios: Scenario[];
      let config: AgentConfig;
      try {
        scenarios = scenarioNames.map((n) => loadScenario(n));
        config = loadReplayConfig(values.config, io.env).config;
      } catch (err) {
        if (err instanceof ConfigError) return bad(err.message);
        throw err;
      }
      const runs = seeds === null ? scenarios : scenarios.flatMap((sc) => seeds.map((seed) => ({ ...sc, seed })));
      const { anyMiss } = await replayMany(runs, config, { check: values.check, env: io.env, stdout: io.stdout });
      return anyMiss ? 4 : EXIT.ok;
    }
    const scenarioName = scenarioNames[0];
    const speed = values.speed === 'max' ? null : Number(values.speed);
    if (speed !== null && !(speed > 0)) return bad(`--speed must be a positive number or "max", got "${values.speed}"`);

    let scenario: Scenario | null = null;
    let spans: OtlpSpan[] = [];
    const logs: OtlpLogRecord[] = [];
    let firstFailureMs: number | null = null;
    let truth: GroundTruth | null = null;
    try {
      if (scenarioName !== undefined) {
        scenario = loadScenario(scenarioName);
        if (values.seed !== undefined) {
          const seed = Number(values.seed);
          if (!Number.isInteger(seed) || seed < 0) return bad(`--seed must be a non-negative integer, got "${values.seed}"`);
          scenario = { ...scenario, seed };
        }
        if (values.target && speed !== null) scenario = { ...scenario, start: new Date(Date.now()).toISOString() };
        const sim = generate(scenario);
        spans = renderSpans(sim);
        firstFailureMs = sim.firstFaultMs;
        truth = groundTruth(sim);
      } else {
        for (const file of positionals) {
          const t = readTelemetryFile(file);
          spans.push(...t.spans);
          logs.push(...t.logs);
        }
      }
    } catch (err) {
      if (err instanceof ConfigError) return bad(err.message);
      if (err instanceof InputFileError) return bad(err.message, EXIT.badInput);
      throw err;
    }

    if (values.target) {
      spans.sort((a, b) => (a.endTimeUnixNano < b.endTimeUnixNano ? -1 : a.endTimeUnixNano > b.endTimeUnixNano ? 1 : 0));
      const progress = createProgress(io.stderr, 'sent');
      try {
        const sent = await sendSpans(spans, values.target, { speed, onProgress: (n, total) => progress.update(n, total) });
        progress.done();
        io.stdout.write(`${spans.length} spans sent to ${values.target} in ${sent.requests} requests\n`);
        return EXIT.ok;
      } catch (err) {
        progress.done();
        if (err instanceof TargetError) return bad(err.message, EXIT.failed);
        throw err;
      }
    }

    let config: AgentConfig;
    let configName: string;
    try {
      ({ config, name: configName } = loadReplayConfig(values.config, io.env));
      if (scenario !== null) config = withScenarioDetectors(config, scenario);
    } catch (err) {
      if (err instanceof ConfigError) return bad(err.message);
      throw err;
    }
    const progress = createProgress(io.stderr, 'replayed');
    const started = performance.now();
    const report = await replay({ spans, logs, firstFailureMs, scenario, truth }, config, {
      env: io.env,
      onProgress: (n, total) => progress.update(n, total),
    });
    progress.done();
    io.stdout.write(formatReport(report, scenario, configName, performance.now() - started));
    if (report.check && report.check.failed > 0) return 4;
    return EXIT.ok;
  },
};

/** The pipeline a replay runs: --config, else agent.yaml when present, else the built-in one. */
function loadReplayConfig(given: string | undefined, env: NodeJS.ProcessEnv): { config: AgentConfig; name: string } {
  const path = given ?? (existsSync('agent.yaml') ? 'agent.yaml' : null);
  return {
    config: path === null ? defaultOfflineConfig() : loadConfigFile(path, registry, { env }),
    name: path ?? 'the built-in pipeline',
  };
}

export function formatReport(r: ReplayReport, scenario: Scenario | null, configName: string, wallMs: number): string {
  let out = `${scenario ? `scenario ${scenario.name} (seed ${scenario.seed}): ${scenario.title}\n` : ''}`;
  out += `replayed ${r.spans} spans, ${formatDuration(r.endMs - r.startMs)} of event time, in ${formatDuration(wallMs)} through ${configName}; ${r.events} failure events\n`;
  out += r.firstFailureMs === null ? 'no failing span\n' : `first failing span at +${formatDuration(r.firstFailureMs - r.startMs)}\n`;
  out += `\ntimeline (${r.hasIncidents ? 'incidents' : 'failure-event episodes: no incidents processor in the pipeline'}):\n`;
  out += formatTimeline(r.timeline, r.startMs, r.firstFailureMs);
  if (r.correlations) out += `\ncorrelations (root → effects): ${formatCorrelations(r.correlations, r.startMs)}`;
  if (r.impacts.length > 0) out += `\nimpact (latest assessment, highest impact_score first):\n${formatImpacts(r.impacts)}`;
  const c = r.check;
  if (c) {
    out += `\ncheck: ${c.passed} passed, ${c.failed} failed\n${c.lines.join('\n')}${c.lines.length ? '\n' : ''}`;
    if (c.pending.length > 0)
      out += `${c.pending.length} expectation${c.pending.length === 1 ? '' : 's'} pending (not evaluated):\n${c.pending.map((p) => `  pending  ${p}`).join('\n')}\n`;
  }
  return out;
}

async function runPredictions(
  values: { scenario?: string[]; config?: string; seeds?: string; seed?: string; target?: string; check?: boolean },
  positionals: string[],
  io: Parameters<Command['run']>[1],
  bad: (message: string, code?: number) => number,
): Promise<number> {
  if (positionals.length > 0 || values.target || values.check || values.seed !== undefined)
    return bad('--predictions takes --scenario NAME (repeatable, or NAME,NAME), --seeds and --config only');
  const seeds = parseSeeds(values.seeds ?? '1-10');
  if (seeds === null) return bad(`--seeds must be a range or list of non-negative integers such as 1-10 or 1,4,7, got "${values.seeds}"`);
  let config: AgentConfig;
  let scenarios: Scenario[];
  try {
    const names = values.scenario ? values.scenario.flatMap((s) => s.split(',')) : PREDICTION_SCENARIOS;
    scenarios = names.map((name) => loadScenario(name.trim()));
    const path = values.config ?? (existsSync('agent.yaml') ? 'agent.yaml' : null);
    config = path === null ? defaultOfflineConfig() : loadConfigFile(path, registry, { env: io.env });
  } catch (err) {
    if (err instanceof ConfigError) return bad(err.message);
    throw err;
  }
  const processors = [...config.components.values()].filter((c) => c.kind === 'processor').map((c) => c.factory.type);
  if (!processors.includes('predictor')) return bad('the pipeline has no predictor processor; add one to the configuration (--config)');
  await runPredictionBench(scenarios, seeds, config, (line) => io.stdout.write(`${line}\n`), io.env);
  return EXIT.ok;
}
