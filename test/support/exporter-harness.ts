// Builds an exporter through its factory the way the pipeline does, on a manual clock, with a
// real OpenTelemetry meter (read back with metric()) and a logger whose lines the test can read.
// The outbox goes to a fresh temporary directory unless the test names one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { createManualTime, type ManualTime } from '../../agent/core/clock.ts';
import type { ExporterFactory, Exporter } from '../../agent/core/component.ts';
import type { Database } from '../../agent/store/database.ts';
import { makeServices } from './component-context.ts';

class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

export interface ExporterHarness {
  readonly exporter: Exporter;
  readonly time: ManualTime;
  readonly logs: Record<string, unknown>[];
  readonly bufferDir: string;
  /** Sum of a counter (or last value of a gauge) for one receiver. */
  metric(name: string, receiver?: string): Promise<number>;
  /** Resolves once the outbox is empty: every notification queued so far has had its answer. */
  idle(): Promise<void>;
}

export function tempBufferDir(): string {
  return mkdtempSync(join(tmpdir(), 'faultline-outbox-'));
}

export async function startExporter<C>(
  factory: ExporterFactory<C>,
  config: Record<string, unknown>,
  options: { id?: string; bufferDir?: string; startMs?: number; database?: Database | null } = {},
): Promise<ExporterHarness> {
  const id = options.id ?? factory.type;
  const bufferDir = options.bufferDir ?? tempBufferDir();
  const time = createManualTime(options.startMs ?? Date.UTC(2026, 10, 22, 8, 0, 0));
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line));
        done();
      },
    }),
  );
  const reader = new CollectingReader();
  const provider = new MeterProvider({ readers: [reader] });
  const delivery = {
    initial_backoff_ms: 20,
    max_backoff_ms: 200,
    timeout_ms: 2_000,
    ...(config.delivery as object | undefined),
    buffer_dir: bufferDir,
  };
  const exporter = await factory.create(factory.configSchema.parse({ ...config, delivery }), {
    id,
    logger,
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
    database: options.database ?? null,
    meter: provider.getMeter('test'),
  });
  await exporter.start?.();
  const metric = async (name: string, receiver = id) => {
    const { resourceMetrics } = await reader.collect();
    const data: MetricData[] = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).filter((m) => m.descriptor.name === name);
    let total = 0;
    for (const m of data) for (const p of m.dataPoints) if (p.attributes.receiver === receiver) total += p.value as number;
    return total;
  };
  return {
    exporter,
    time,
    logs,
    bufferDir,
    metric,
    async idle() {
      const deadline = Date.now() + 10_000;
      while ((await metric('faultline_notifications_pending')) > 0) {
        if (Date.now() > deadline) throw new Error('The outbox did not empty within 10 s.');
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}
