import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import { readTelemetryFile } from '../../../agent/cli/read-telemetry-file.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { generate } from '../../../agent/tools/simulate/generate.ts';
import { loadBuiltInScenario } from '../../../agent/tools/simulate/load-scenario.ts';
import { renderSpans } from '../../../agent/tools/simulate/render.ts';
import fileExporter from '../../../exporters/file/index.ts';
import { makeServices } from '../../support/component-context.ts';
import { logRecord } from '../../support/span-builder.ts';

function exporterFor(settings: Record<string, unknown>) {
  const time = createManualTime(0);
  return fileExporter.create(fileExporter.configSchema.parse(settings), {
    id: 'file',
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
  });
}

const spans = renderSpans(generate({ ...loadBuiltInScenario('provider-outage'), duration_secs: 150 }));

describe('file exporter', () => {
  it('records raw spans and logs as OTLP/JSON lines that read back to the same telemetry', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'faultline-file-')), 'rec', 'raw.jsonl');
    const exporter = await exporterFor({ path });
    await exporter.export(createBatch({ spans: spans.slice(0, 300) }));
    await exporter.export(createBatch({ spans: spans.slice(300), logs: [logRecord({ eventName: 'gen_ai.user.message', body: 'hi' })] }));
    await exporter.shutdown?.();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(3);
    const back = readTelemetryFile(path);
    expect(back.spans).toHaveLength(spans.length);
    expect(back.spans.map((s) => [s.spanId, s.name, s.endTimeUnixNano, s.attributes])).toEqual(
      spans.map((s) => [s.spanId, s.name, s.endTimeUnixNano, s.attributes]),
    );
    expect(back.logs.map((l) => [l.eventName, l.body])).toEqual([['gen_ai.user.message', 'hi']]);
  });

  it('rotates by size, never splitting a request, and keeps max_files rotated files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-rotate-'));
    const path = join(dir, 'raw.jsonl');
    const exporter = await exporterFor({ path, max_file_bytes: 60_000, max_files: 2 });
    for (let i = 0; i < spans.length; i += 20) await exporter.export(createBatch({ spans: spans.slice(i, i + 20) }));
    await exporter.shutdown?.();
    expect(readdirSync(dir).sort()).toEqual(['raw.jsonl', 'raw.jsonl.1', 'raw.jsonl.2']);
    for (const f of readdirSync(dir)) {
      const lines = readFileSync(join(dir, f), 'utf8').trim().split('\n').length;
      // Over the limit only when one request alone is larger than it.
      if (statSync(join(dir, f)).size > 60_000) expect(lines).toBe(1);
      expect(readTelemetryFile(join(dir, f)).spans.length).toBeGreaterThan(0);
    }
  });

  it('writes nothing for a batch without raw lanes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-empty-'));
    const exporter = await exporterFor({ path: join(dir, 'raw.jsonl') });
    await exporter.export(createBatch({}));
    await exporter.shutdown?.();
    expect(readdirSync(dir)).toEqual([]);
  });
});
