import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../../config/errors.ts';
import type { OtlpSpan } from '../core/model/otlp.ts';
import { encodeTracesJson } from '../receivers/otlp-wire/encode-json.ts';
import { encodeTracesProtobuf } from '../receivers/otlp-wire/encode-traces-protobuf.ts';
import { generate } from '../tools/simulate/generate.ts';
import { builtInScenarioNames, loadBuiltInScenario, loadScenario } from '../tools/simulate/load-scenario.ts';
import { PRICE_TABLE } from '../tools/simulate/price-table.ts';
import { renderSpans } from '../tools/simulate/render.ts';
import { Engine, type Scenario } from '../tools/simulate/scenario-schema.ts';
import { sendSpans, TargetError } from '../tools/simulate/send-otlp.ts';
import { EXIT, type Command } from './command.ts';
import { createProgress } from './progress.ts';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Generate LiteLLM-shaped span streams for a scenario, to a file or a running agent.',
  help: `Usage: faultline simulate --scenario NAME|FILE [options]
       faultline simulate --list

Generates the spans a LiteLLM proxy (or an app instrumented with OTel GenAI) would emit for a
scenario: realistic traffic across OpenAI, Anthropic and Gemini, teams, keys and users, with the
scenario's faults injected. Seeded: the same scenario and seed give the same bytes.

Options:
  -s, --scenario NAME|FILE  a built-in scenario (see --list) or a scenario YAML file
  -o, --output FILE         write to FILE ("-" = standard output, the default without --target)
  -f, --format FMT          json (OTLP/JSON, one ExportTraceServiceRequest per line; default)
                            or protobuf (one ExportTraceServiceRequest)
  -t, --target URL          stream to an agent's OTLP/HTTP endpoint (e.g. http://127.0.0.1:4318)
      --speed X             with --target: X × real time, timestamps starting now (1 = live);
                            default "max": as fast as the agent accepts, the scenario ending now
  -e, --engine ENGINE       litellm (default engine), litellm_v2, otel_genai
      --seed N              override the scenario's seed
      --rate R              override requests per second
      --duration SECS       override the duration
      --start TIME          the scenario's start (RFC 3339); with --target it replaces the placement
                            around now, so several runs can send parts of one timeline
      --from SECS, --until SECS
                            only the requests that start in [from, until) seconds of the scenario:
                            parts that together send exactly what one run sends (e.g. the first
                            half, an agent restart, then the second half)
      --no-content          leave prompts and completions off the spans
  -l, --list                list the built-in scenarios and the price table

Scenario format: YAML with name, title, story, seed, duration_secs, traffic (rate_per_sec,
engine, models, teams, num_retries, fallbacks, json_share, rag_share…), faults (kind: error,
latency_ramp, latency_injection, volume, safety_block, response_corruption, prompt_injection,
model_update, budget, retrieval_drift, stale_index; each with at_secs, until_secs, match, share),
detectors (settings replay merges over its configuration) and expectations (detections,
incidents, absent) plus pending_expectations. The built-in files under agent/tools/simulate/scenarios/
are examples; docs/simulate-and-replay.md documents every key.

Exit codes: 0 done, 1 invalid scenario or options, 2 unreadable input, 3 the target failed.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string', short: 's' },
        output: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f', default: 'json' },
        target: { type: 'string', short: 't' },
        speed: { type: 'string', default: 'max' },
        engine: { type: 'string', short: 'e' },
        seed: { type: 'string' },
        rate: { type: 'string' },
        duration: { type: 'string' },
        start: { type: 'string' },
        from: { type: 'string' },
        until: { type: 'string' },
        'no-content': { type: 'boolean', default: false },
        list: { type: 'boolean', short: 'l', default: false },
      },
    });
    if (values.list) {
      io.stdout.write(listBuiltIns());
      return EXIT.ok;
    }
    const bad = (message: string) => {
      io.stderr.write(`faultline simulate: ${message}\n`);
      return EXIT.invalid;
    };
    if (!values.scenario) return bad('give --scenario NAME|FILE (see faultline simulate --list)');
    if (values.format !== 'json' && values.format !== 'protobuf')
      return bad(`--format must be "json" or "protobuf", got "${values.format}"`);
    const speed = values.speed === 'max' ? null : Number(values.speed);
    if (speed !== null && !(speed > 0)) return bad(`--speed must be a positive number or "max", got "${values.speed}"`);
    let scenario: Scenario;
    let part: { fromMs: number; untilMs: number };
    try {
      scenario = applyOverrides(loadScenario(values.scenario), values);
      part = partOf(scenario, values);
    } catch (err) {
      if (err instanceof ConfigError || err instanceof OverrideError) return bad(err.message);
      throw err;
    }
    if (values.target && values.start === undefined) {
      // Live: timestamps around now, so the agent sees current traffic; the part sent ends now.
      const now = Date.now();
      const startMs = speed === null ? now - part.untilMs : now - part.fromMs;
      scenario = { ...scenario, start: new Date(startMs).toISOString() };
    }
    const sim = generate(scenario);
    // The whole scenario is generated and then cut, so every part is the same as in a whole run.
    sim.plans = sim.plans.filter((p) => p.startMs - sim.startMs >= part.fromMs && p.startMs - sim.startMs < part.untilMs);
    const spans = renderSpans(sim);
    if (values.target) {
      const progress = createProgress(io.stderr, 'sent');
      try {
        const sent = await sendSpans(spans, values.target, { speed, onProgress: (n, total) => progress.update(n, total) });
        progress.done();
        io.stderr.write(
          `faultline simulate: ${scenario.name}: ${spans.length} spans (${sim.plans.length} requests) in ${sent.requests} requests to ${values.target}${sent.retries ? `, ${sent.retries} retried` : ''}\n`,
        );
      } catch (err) {
        progress.done();
        if (err instanceof TargetError) {
          io.stderr.write(`faultline simulate: ${err.message}\n`);
          return EXIT.failed;
        }
        throw err;
      }
      return EXIT.ok;
    }
    const bytes = values.format === 'protobuf' ? encodeTracesProtobuf(spans) : jsonLines(spans);
    if (!values.output || values.output === '-') io.stdout.write(bytes);
    else writeFileSync(values.output, bytes);
    if (values.output && values.output !== '-')
      io.stderr.write(
        `faultline simulate: ${scenario.name}: ${spans.length} spans (${sim.plans.length} requests) written to ${values.output}\n`,
      );
    return EXIT.ok;
  },
};

class OverrideError extends Error {}

function applyOverrides(
  s: Scenario,
  v: { seed?: string; rate?: string; duration?: string; engine?: string; start?: string; 'no-content'?: boolean },
): Scenario {
  const num = (name: string, raw: string | undefined, integer = false): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
      throw new OverrideError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
    return n;
  };
  const engine = v.engine === undefined ? undefined : Engine.safeParse(v.engine);
  if (engine && !engine.success) throw new OverrideError(`--engine must be one of ${Engine.options.join(', ')}, got "${v.engine}"`);
  let start = s.start;
  if (v.start !== undefined) {
    const ms = Date.parse(v.start);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(v.start) || Number.isNaN(ms))
      throw new OverrideError(`--start must be an RFC 3339 time such as 2026-05-01T09:00:00Z, got "${v.start}"`);
    start = new Date(ms).toISOString();
  }
  return {
    ...s,
    start,
    seed: num('seed', v.seed, true) ?? s.seed,
    duration_secs: num('duration', v.duration) ?? s.duration_secs,
    traffic: {
      ...s.traffic,
      rate_per_sec: num('rate', v.rate) ?? s.traffic.rate_per_sec,
      engine: engine?.data ?? s.traffic.engine,
      content: v['no-content'] ? false : s.traffic.content,
    },
  };
}

/** The part of the scenario to send, in ms from its start, from --from and --until (seconds). */
function partOf(s: Scenario, v: { from?: string; until?: string }): { fromMs: number; untilMs: number } {
  const secs = (name: string, raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > s.duration_secs)
      throw new OverrideError(`--${name} must be a number of seconds from 0 to the duration (${s.duration_secs}), got "${raw}"`);
    return n;
  };
  const from = secs('from', v.from, 0);
  const until = secs('until', v.until, s.duration_secs);
  if (until <= from) throw new OverrideError(`--until (${until}) must be after --from (${from})`);
  return { fromMs: from * 1000, untilMs: until * 1000 };
}

/** One ExportTraceServiceRequest per line, 512 spans each (what `replay` and `classify` read). */
function jsonLines(spans: readonly OtlpSpan[]): string {
  let out = '';
  for (let i = 0; i < spans.length; i += 512) out += `${JSON.stringify(encodeTracesJson(spans.slice(i, i + 512)))}\n`;
  return out;
}

function listBuiltIns(): string {
  let out = 'Built-in scenarios (faultline simulate --scenario NAME; faultline replay --scenario NAME --check):\n\n';
  for (const name of builtInScenarioNames()) {
    const s = loadBuiltInScenario(name);
    out += `  ${name.padEnd(26)} ${s.group.padEnd(12)} ${s.title}\n`;
  }
  out += "\nPrice table (USD per 1M tokens; median latency; one deployment's limits per minute):\n\n";
  for (const m of PRICE_TABLE) {
    out += `  ${m.model.padEnd(24)} ${m.provider.padEnd(10)} in $${String(m.inputUsdPerM).padEnd(5)} out $${String(m.outputUsdPerM).padEnd(5)} ${String(m.medianMs).padStart(5)} ms  ${m.requestsPerMin} RPM  ${m.tokensPerMin} TPM\n`;
  }
  return out;
}
