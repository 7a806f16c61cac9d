import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { ComponentFactory } from '../component.ts';
import { defineExporter } from '../component.ts';
import { createManualTime } from '../clock.ts';
import { createLogger } from '../logger.ts';
import { createBatch } from '../model/batch.ts';
import type { FailureEvent } from '../model/failure-event.ts';
import type { TelemetryItem } from '../model/llm-call.ts';
import type { OtlpSpan } from '../model/otlp.ts';
import { buildPipelines } from '../pipeline/build.ts';
import { registry } from '../registry.ts';
import { resolveComponents } from '../../config/resolve.ts';
import type { AgentConfigShape } from '../../config/schema.ts';
import { toJsonLine } from '../../exporters/ndjson/to-json-line.ts';
import { ConfigError } from '../errors.ts';
import { EXIT, type Command } from './command.ts';
import { InputFileError, readTelemetryFile } from './read-telemetry-file.ts';

const CHUNK_SPANS = 1_000;

export const classifyCommand: Command = {
  name: 'classify',
  summary: 'Classify recorded telemetry files offline and print failure events as NDJSON.',
  help: `Usage: faultline classify [--output events|calls] FILE...

Runs recorded spans through the same processors as the agent (normalize, trace_assembler,
detectors, classifier), in event-time order, with no network and no database. Prints one JSON
object per line on standard output, ordered by event time: a FailureEvent for each failed call
(sorted by timestamp, then failure_id), nothing for a clean one.

Input files: OTLP/JSON requests (one document, an array, or one request per line), or OTLP
protobuf ExportTraceServiceRequest files; gzip is detected.

Options:
  -o, --output KIND   events (FailureEvents, the default) or calls (normalized calls)
  -h, --help          show this help

Exit codes: 0 done, 2 a file could not be read or decoded (the message names it).`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { output: { type: 'string', short: 'o', default: 'events' } },
    });
    if (values.output !== 'events' && values.output !== 'calls') {
      io.stderr.write(`faultline classify: --output must be "events" or "calls", got "${values.output}"\n`);
      return EXIT.badInput;
    }
    if (positionals.length === 0) {
      io.stderr.write('faultline classify: give at least one FILE (see faultline classify --help)\n');
      return EXIT.badInput;
    }
    const spans: OtlpSpan[] = [];
    const logs = [];
    for (const file of positionals) {
      try {
        const t = readTelemetryFile(file);
        spans.push(...t.spans);
        logs.push(...t.logs);
      } catch (err) {
        if (err instanceof InputFileError) {
          io.stderr.write(`faultline classify: ${err.message}\n`);
          return EXIT.badInput;
        }
        throw err;
      }
    }

    // Feed in event-time order, moving the clock to each chunk's newest span so windows and
    // timers behave exactly as they would have live.
    spans.sort((a, b) => (a.endTimeUnixNano < b.endTimeUnixNano ? -1 : a.endTimeUnixNano > b.endTimeUnixNano ? 1 : 0));
    const captured: Captured = { calls: [], events: [] };
    const startMs = spans.length > 0 ? Number(spans[0].endTimeUnixNano / 1_000_000n) : 0;
    const pipelines = await buildOfflinePipeline(captured, io.env, startMs);
    await pipelines.start();
    const time = pipelines.time;
    if (logs.length > 0) await pipelines.consume('classify', createBatch({ logs }));
    for (let i = 0; i < spans.length; i += CHUNK_SPANS) {
      const chunk = spans.slice(i, i + CHUNK_SPANS);
      await time.advanceTo(Number(chunk[chunk.length - 1].endTimeUnixNano / 1_000_000n));
      await pipelines.consume('classify', createBatch({ spans: chunk }));
    }
    await pipelines.shutdown();

    if (values.output === 'calls') {
      captured.calls.sort((a, b) => a.timing.endMs - b.timing.endMs);
      for (const item of captured.calls) io.stdout.write(toJsonLine(item));
    } else {
      // ISO timestamps of one format compare as strings; failure_id breaks ties deterministically.
      captured.events.sort((a, b) => compare(a.timestamp, b.timestamp) || compare(a.failure_id, b.failure_id));
      for (const event of captured.events) io.stdout.write(toJsonLine(event));
    }
    return EXIT.ok;
  },
};

interface Captured {
  calls: TelemetryItem[];
  events: FailureEvent[];
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function buildOfflinePipeline(captured: Captured, env: NodeJS.ProcessEnv, startMs: number) {
  const capture: ComponentFactory = defineExporter({
    type: 'capture',
    description: 'Collects calls and events in memory for classify.',
    configSchema: z.strictObject({}),
    create: () => ({
      async export(batch) {
        captured.calls.push(...batch.calls);
        captured.events.push(...batch.events);
      },
    }),
  });
  const shape: AgentConfigShape = {
    receivers: {},
    processors: { normalize: {}, trace_assembler: {}, detectors: {}, classifier: {} },
    exporters: { capture: {} },
    storage: undefined,
    service: {
      pipelines: { classify: { receivers: [], processors: ['normalize', 'trace_assembler', 'detectors', 'classifier'], exporters: ['capture'] } },
      telemetry: { logs: { level: 'warn' }, metrics: { enabled: false, endpoint: '127.0.0.1:0' } },
      shutdown_timeout_ms: 60_000,
      max_inflight_items: Number.MAX_SAFE_INTEGER,
    },
  };
  const issues: { path: string; message: string }[] = [];
  const resolved = resolveComponents(shape, [...registry, capture], issues);
  if (issues.length > 0) throw new ConfigError(issues, 'classify');
  const time = createManualTime(startMs);
  const logger = createLogger(env.FAULTLINE_LOG_LEVEL ?? 'warn');
  const pipelines = await buildPipelines(resolved, { logger, clock: time.clock, scheduler: time.scheduler });
  return Object.assign(pipelines, { time });
}
