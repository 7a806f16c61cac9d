// A deep quality-check queue closes intake before checks are dropped: the real OTLP/HTTP receiver,
// normalize and the detectors (one real worker thread) built by the pipeline builder, with a
// queue small enough that one request's checks fill half of it. While they run, the next request
// gets 503 with Retry-After; every check of the first still runs (nothing dropped) and intake
// opens again once they are done.
import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveTime } from '../../../../agent/core/clock.ts';
import { encodeTracesJson } from '../../../../agent/receivers/otlp-wire/encode-json.ts';
import { buildPipelines, type AgentPipelines } from '../../../../agent/core/pipeline/build.ts';
import type { OtlpReceiver } from '../../../../agent/receivers/otlp/index.ts';
import { registry } from '../../../../agent/registry.ts';
import { parseConfig } from '../../../../config/load.ts';
import { span } from '../../../support/span-builder.ts';
import { createTestComponents } from '../../../support/test-components.ts';
import { qualitySpan } from './spans.ts';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const USER = 'Could you summarise the opening hours of the museum for next weekend, please?';
const FRENCH = 'Le musée est ouvert samedi et dimanche de dix heures à dix-huit heures, avec une nocturne le samedi.';
// Each answer is French to an English question: a language check that needs tinyld, in the worker.
const CHECKS = 48;

function body(first: number, n: number): string {
  const spans = Array.from({ length: n }, (_, i) =>
    span(
      qualitySpan({
        user: USER,
        output: FRENCH,
        spanId: `7c${(first + i).toString(16).padStart(14, '0')}`,
        traceId: `7d${(first + i).toString(16).padStart(30, '0')}`,
      }),
    ),
  );
  return JSON.stringify(encodeTracesJson(spans));
}

let running: { pipelines: AgentPipelines; stop: () => void } | null = null;
afterEach(async () => {
  await running?.pipelines.shutdown();
  running?.stop();
  running = null;
});

describe('quality checks and intake', () => {
  it('refuses new data with 503 and Retry-After while the check queue is deep, and drops no check', async () => {
    const t = createTestComponents();
    const config = parseConfig(
      `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors:
  normalize: {}
  detectors: { quality: { workers: { threads: 1, max_queue: ${CHECKS + 16}, budget_ms: 60000 } } }
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [otlp], processors: [normalize, detectors], exporters: [test_exporter] } } }
`,
      [...registry, ...t.factories],
      { env: {} },
    );
    const reader = new TestReader();
    const time = createLiveTime();
    const pipelines = await buildPipelines(config, {
      logger: pino({ level: 'silent' }),
      clock: time.clock,
      scheduler: time.scheduler,
      meter: new MeterProvider({ readers: [reader] }).getMeter('test'),
    });
    running = { pipelines, stop: () => time.stop() };
    await pipelines.start();
    const url = `http://127.0.0.1:${(pipelines.receiver('otlp') as OtlpReceiver).addresses().http!.port}/v1/traces`;
    const post = (json: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });

    // The first request's answer waits for its checks; while they run, intake is held.
    const first = post(body(0, CHECKS));
    await expect.poll(() => pipelines.backpressure.current()?.holder, { timeout: 30_000, interval: 1 }).toBe('detectors');
    const refused = await post(body(CHECKS, 1));
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(((await refused.json()) as { message: string }).message).toMatch(/quality checks are waiting for the worker threads/);

    expect((await first).status).toBe(200);
    const drifts = t
      .exported('test_exporter')
      .flatMap((b) => b.calls)
      .filter((c) => c.signals.some((s) => s.subtype === 'language_drift'));
    expect(drifts).toHaveLength(CHECKS);
    const { resourceMetrics } = await reader.collect();
    const dropped = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'faultline_detector_queue_dropped_total');
    expect((dropped!.dataPoints as DataPoint<number>[]).map((p) => [p.attributes.check, p.value])).toEqual([
      ['language', 0],
      ['entities', 0],
    ]);

    // The queue has drained: intake is open again.
    expect(pipelines.backpressure.current()).toBeNull();
    expect((await post(body(CHECKS + 1, 1))).status).toBe(200);
  });
});
