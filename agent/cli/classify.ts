import { parseArgs } from 'node:util';
import type { AgentConfig } from '../core/component.ts';
import { loadConfigFile } from '../../config/load.ts';
import { ConfigError } from '../../config/errors.ts';
import type { OtlpLogRecord, OtlpSpan } from '../core/model/otlp.ts';
import { defaultOfflineConfig, runOffline } from '../tools/offline.ts';
import { registry } from '../registry.ts';
import { toJsonLine } from '../core/json-line.ts';
import { lanes } from '../core/model/lanes.ts';
import { EXIT, type Command } from './command.ts';
import { InputFileError, readTelemetryFile } from './read-telemetry-file.ts';

/** What `--output` can print: the lanes processors produce (the raw input lanes are what was read). */
const OUTPUT_LANES = lanes().filter((l) => l.source === 'processor');
const OUTPUT_HELP = OUTPUT_LANES.map((l) => `                        ${l.name.padEnd(10)} ${l.description}`).join('\n');

export const classifyCommand: Command = {
  name: 'classify',
  summary: 'Classify recorded telemetry files offline and print failure events as NDJSON.',
  help: `Usage: faultline classify [--config FILE] [--output LANE] FILE...

Runs recorded spans through the same processors as the agent (normalize, trace_assembler,
detectors, classifier), in event-time order, with no network and no database. Prints one JSON
object per line on standard output, the items of one lane ordered by event time, then by their
natural key: by default a FailureEvent for each failed call and one for each window-level
finding (e.g. a quality regression), sorted by timestamp, then failure_id; nothing for a clean
call.

Input files: OTLP/JSON requests (one document, an array, or one request per line), or OTLP
protobuf ExportTraceServiceRequest files; gzip is detected.

Options:
  -c, --config FILE   pipeline configuration whose processors run, e.g. to set detector windows
                      or turn on checks that are off by default (data.stale_index needs an age
                      limit); its receivers, exporters and storage are not used. Default: the
                      built-in normalize → trace_assembler → detectors → classifier, all defaults
                      (agent.yaml is not read unless given here)
  -o, --output LANE   the lane to print (default: events), one of:
${OUTPUT_HELP}
  -h, --help          show this help

Exit codes: 0 done, 1 invalid options or configuration, 2 a file could not be read or decoded
(the message names it).`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { output: { type: 'string', short: 'o', default: 'events' }, config: { type: 'string', short: 'c' } },
    });
    const lane = OUTPUT_LANES.find((l) => l.name === values.output);
    if (!lane) {
      io.stderr.write(
        `faultline classify: --output must be one of ${OUTPUT_LANES.map((l) => `"${l.name}"`).join(', ')}, got "${values.output}"\n`,
      );
      return EXIT.badInput;
    }
    if (positionals.length === 0) {
      io.stderr.write('faultline classify: give at least one FILE (see faultline classify --help)\n');
      return EXIT.badInput;
    }
    // The configuration first: a mistake in it is reported before any file is read.
    let config: AgentConfig;
    try {
      config = values.config === undefined ? defaultOfflineConfig() : loadConfigFile(values.config, registry, { env: io.env });
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr.write(`faultline classify: ${err.message}\n`);
        return EXIT.invalid;
      }
      throw err;
    }
    const spans: OtlpSpan[] = [];
    const logs: OtlpLogRecord[] = [];
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

    // Fed in event-time order, with the clock following the spans, so windows and timers behave
    // exactly as they would have live.
    const out = await runOffline(spans, logs, config, { env: io.env, keep: [lane.name] });
    // Time, then the natural key: the same input prints the same lines in the same order.
    const items = out
      .emitted(lane.name)
      .map((e) => e.item)
      .sort((a, b) => lane.time(a) - lane.time(b) || compare(lane.key(a), lane.key(b)));
    for (const item of lane.present ? lane.present(items) : items) io.stdout.write(toJsonLine(item));
    return EXIT.ok;
  },
};

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
