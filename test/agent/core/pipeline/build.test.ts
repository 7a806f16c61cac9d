import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createManualTime } from '../../../../agent/core/clock.ts';
import { RefusedError, ShutdownTimeoutError } from '../../../../agent/core/errors.ts';
import { createBatch } from '../../../../agent/core/model/batch.ts';
import { buildPipelines } from '../../../../agent/core/pipeline/build.ts';
import { parseConfig } from '../../../../config/load.ts';
import traceAssembler from '../../../../processors/trace-assembler/index.ts';
import { llmCall } from '../../../support/llm-call-builder.ts';
import { createTestComponents } from '../../../support/test-components.ts';

async function build(yaml: string) {
  const t = createTestComponents();
  const config = parseConfig(yaml, [...t.factories, traceAssembler]);
  const time = createManualTime(0);
  const pipelines = await buildPipelines(config, { logger: pino({ level: 'silent' }), clock: time.clock, scheduler: time.scheduler });
  return { ...t, pipelines, time };
}

const call = (n: number) => llmCall({ traceId: String(n).repeat(32).slice(0, 32), spanId: String(n).repeat(16).slice(0, 16) });

describe('pipeline', () => {
  it('starts exporters first and receivers last, and stops in the reverse roles', async () => {
    const { pipelines, events } = await build(`
receivers: { test_receiver: }
processors: { test_holder: }
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [test_receiver], processors: [test_holder], exporters: [test_exporter] } } }
`);
    await pipelines.start();
    await pipelines.shutdown();
    expect(events).toEqual([
      'start test_exporter',
      'start test_holder',
      'start test_receiver',
      'stop test_receiver',
      'stop test_holder',
      'stop test_exporter',
    ]);
  });

  it('counts items in and out of each processor and exporter', async () => {
    const { pipelines, consumer } = await build(`
receivers: { test_receiver: }
processors: { test_dropper: }
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [test_receiver], processors: [test_dropper], exporters: [test_exporter] } } }
`);
    await pipelines.start();
    await consumer('test_receiver')(createBatch({ calls: [call(1), call(2)], logs: [{} as never] }));
    const stats = Object.fromEntries(pipelines.stats().map((s) => [`${s.kind}:${s.id}`, s]));
    expect(stats['processor:test_dropper']).toMatchObject({ itemsIn: 3, itemsOut: 2, errors: 0, calls: 1 });
    expect(stats['exporter:test_exporter']).toMatchObject({ itemsIn: 2, itemsOut: 2, errors: 0 });
    await pipelines.shutdown();
  });

  it('delivers to healthy exporters when another exporter fails, and counts the failure', async () => {
    const { pipelines, consumer, exported } = await build(`
receivers: { test_receiver: }
exporters: { test_exporter/down: { fail: true }, test_exporter/up: }
service: { pipelines: { main: { receivers: [test_receiver], exporters: [test_exporter/down, test_exporter/up] } } }
`);
    await pipelines.start();
    await consumer('test_receiver')(createBatch({ calls: [call(1)] }));
    expect(exported('test_exporter/up')).toHaveLength(1);
    expect(pipelines.stats().find((s) => s.id === 'test_exporter/down')).toMatchObject({ errors: 1, itemsOut: 0 });
    await pipelines.shutdown();
  });

  it('feeds one receiver into every pipeline that lists it', async () => {
    const { pipelines, consumer, exported } = await build(`
receivers: { test_receiver: }
exporters: { test_exporter/a: , test_exporter/b: }
service:
  pipelines:
    first: { receivers: [test_receiver], exporters: [test_exporter/a] }
    second: { receivers: [test_receiver], exporters: [test_exporter/b] }
`);
    await pipelines.start();
    await consumer('test_receiver')(createBatch({ calls: [call(1)] }));
    expect(exported('test_exporter/a')).toHaveLength(1);
    expect(exported('test_exporter/b')).toHaveLength(1);
    await pipelines.shutdown();
  });

  it('flushes what processors hold into the exporters on shutdown', async () => {
    const { pipelines, consumer, exported } = await build(`
receivers: { test_receiver: }
processors: { trace_assembler: { wait_ms: 60000 } }
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [test_receiver], processors: [trace_assembler], exporters: [test_exporter] } } }
`);
    await pipelines.start();
    await consumer('test_receiver')(createBatch({ calls: [call(1), call(2)] }));
    expect(exported('test_exporter')).toHaveLength(0);
    await pipelines.shutdown();
    expect(exported('test_exporter').flatMap((b) => b.calls)).toHaveLength(2);
  });

  it('refuses a batch that would take it past max_inflight_items, with a retryable error', async () => {
    const { pipelines, consumer } = await build(`
receivers: { test_receiver: }
processors: { test_holder: }
exporters: { test_exporter: }
service:
  max_inflight_items: 2
  pipelines: { main: { receivers: [test_receiver], processors: [test_holder], exporters: [test_exporter] } }
`);
    await pipelines.start();
    // Hold the pipeline busy: the first batch is mid-flight while the second arrives.
    const slow = consumer('test_receiver')(createBatch({ calls: [call(1), call(2)] }));
    const refused = consumer('test_receiver')(createBatch({ calls: [call(3)] }));
    await expect(refused).rejects.toBeInstanceOf(RefusedError);
    await expect(refused).rejects.toMatchObject({ reason: 'queue' });
    await slow;
    await pipelines.shutdown();
  });

  it('refuses intake while a component holds backpressure, and accepts again once it releases', async () => {
    const { pipelines, consumer, exported } = await build(`
receivers: { test_receiver: }
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [test_receiver], exporters: [test_exporter] } } }
`);
    await pipelines.start();
    pipelines.backpressure.hold('postgres', 'the spill buffer is at its 1 MiB cap', 7);
    const refused = consumer('test_receiver')(createBatch({ calls: [call(1)] }));
    await expect(refused).rejects.toMatchObject({
      reason: 'backpressure',
      retryAfterSec: 7,
      message: 'postgres: the spill buffer is at its 1 MiB cap',
    });
    pipelines.backpressure.release('postgres');
    await consumer('test_receiver')(createBatch({ calls: [call(2)] }));
    expect(
      exported('test_exporter')
        .flatMap((b) => b.calls)
        .map((c) => c.source.spanId),
    ).toEqual([call(2).source.spanId]);
    await pipelines.shutdown();
  });

  it('refuses new batches once shutdown has begun', async () => {
    const { pipelines, consumer } = await build(`
receivers: { test_receiver: }
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [test_receiver], exporters: [test_exporter] } } }
`);
    await pipelines.start();
    const next = consumer('test_receiver');
    await pipelines.shutdown();
    await expect(next(createBatch({ calls: [call(1)] }))).rejects.toMatchObject({ reason: 'shutting_down' });
  });

  it('names the component that did not stop within the shutdown deadline', async () => {
    const { pipelines } = await build(`
receivers: { test_receiver: }
exporters: { test_exporter: { hang_on_shutdown: true } }
service: { pipelines: { main: { receivers: [test_receiver], exporters: [test_exporter] } } }
`);
    await pipelines.start();
    const err = await pipelines.shutdown(50).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ShutdownTimeoutError);
    expect((err as ShutdownTimeoutError).pending).toEqual(['exporter test_exporter']);
  });
});
