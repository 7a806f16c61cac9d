// file: records the raw spans and log records the receivers accepted as OTLP/JSON lines (one
// export request per line), for `faultline replay` and `faultline classify` to read back later.
// Put it in a pipeline with no processors (normalize consumes the raw lanes). Rotates by size.
import { defineExporter } from '../../agent/core/component.ts';
import { ExportError } from '../../agent/core/errors.ts';
import { encodeLogsJson, encodeTracesJson } from '../../agent/receivers/otlp-wire/encode-json.ts';
import { FileConfig } from './config.ts';
import { createRotatingFile, type RotatingFile } from './rotating-file.ts';

export default defineExporter({
  type: 'file',
  description: 'Records raw received spans and log records as OTLP/JSON lines for later replay, rotating by size.',
  configSchema: FileConfig,
  create(config) {
    let file: RotatingFile | null = null;
    const recordSpans = config.lanes.includes('spans');
    const recordLogs = config.lanes.includes('logs');
    return {
      async export(batch) {
        let text = '';
        if (recordSpans && batch.spans.length > 0) text += `${JSON.stringify(encodeTracesJson(batch.spans))}\n`;
        if (recordLogs && batch.logs.length > 0) text += `${JSON.stringify(encodeLogsJson(batch.logs))}\n`;
        if (text === '') return;
        file ??= createRotatingFile(config.path, config.max_file_bytes, config.max_files);
        try {
          await file.append(text);
        } catch (err) {
          throw new ExportError(`Cannot write to ${config.path}: ${(err as Error).message}`, true, { cause: err });
        }
      },
      async shutdown() {
        const f = file;
        file = null;
        await f?.close();
      },
    };
  },
});
