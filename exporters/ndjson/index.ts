// ndjson: writes the chosen batch lanes as newline-delimited JSON to a file or standard output.
// Used by `faultline classify`, for debugging a pipeline, and by tests.
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { defineExporter } from '../../agent/core/component.ts';
import { ExportError } from '../../agent/core/errors.ts';
import { NdjsonConfig } from './config.ts';
import { toJsonLine, toPlainJsonLine } from '../../agent/core/json-line.ts';
import { laneItems } from '../../agent/core/model/batch.ts';
import { laneSpec } from '../../agent/core/model/lanes.ts';

// What receivers put in a batch is raw OTLP, with bigint timestamps and byte values; the lanes
// processors derive are plain JSON, which encodes faster.
const encoderOf = (lane: string) => (laneSpec(lane)?.source === 'receiver' ? toJsonLine : toPlainJsonLine);

export default defineExporter({
  type: 'ndjson',
  description: 'Writes batch lanes as newline-delimited JSON to a file or standard output.',
  configSchema: NdjsonConfig,
  create(config, ctx) {
    let out: Writable | null = null;
    const open = (): Writable => {
      if (out) return out;
      if (config.path === '-') return (out = process.stdout);
      mkdirSync(dirname(config.path), { recursive: true });
      out = createWriteStream(config.path, { flags: 'a' });
      out.on('error', (err) => ctx.logger.error({ err, path: config.path }, 'Writing NDJSON failed.'));
      return out;
    };
    const write = (stream: Writable, text: string) =>
      new Promise<void>((resolve, reject) => {
        const ok = stream.write(text, (err) =>
          err ? reject(new ExportError(`Cannot write to ${config.path}: ${err.message}`, true, { cause: err })) : undefined,
        );
        if (ok) resolve();
        else stream.once('drain', resolve);
      });

    const encoders = config.lanes.map((lane) => [lane, encoderOf(lane)] as const);

    return {
      async start() {
        open();
      },
      async export(batch) {
        let text = '';
        for (const [lane, line] of encoders) for (const item of laneItems(batch, lane)) text += line(item);
        if (text) await write(open(), text);
      },
      async shutdown() {
        const stream = out;
        out = null;
        if (!stream || stream === process.stdout) return;
        await new Promise<void>((resolve) => stream.end(resolve));
      },
    };
  },
});
