// The real chain normalize → trace_assembler → detectors → classifier, built by the pipeline
// builder from YAML the way `faultline run` builds it, on a manual event-time clock. Spans go in
// through a test receiver; FailureEvents and calls come out of a recording exporter, including
// what trace_assembler and the detectors emit from their timers.
import pino from 'pino';
import { createManualTime } from '../../../agent/core/clock.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import type { TelemetryItem } from '../../../agent/core/model/llm-call.ts';
import { buildPipelines } from '../../../agent/core/pipeline/build.ts';
import { parseConfig } from '../../../config/load.ts';
import classifier from '../../../processors/classifier/index.ts';
import detectors from '../../../processors/detectors/index.ts';
import normalize from '../../../processors/normalize/index.ts';
import traceAssembler from '../../../processors/trace-assembler/index.ts';
import { span, type SpanInput } from '../../support/span-builder.ts';
import { createTestComponents } from '../../support/test-components.ts';

export interface ChainOptions {
  detectors?: Record<string, unknown>;
  normalize?: Record<string, unknown>;
  startMs: number;
}

export interface Chain {
  /** Moves event time to the spans' latest end, then sends them in one batch. */
  send(spans: SpanInput[]): Promise<void>;
  /** Moves event time forward (timers fire on the way). */
  advanceTo(ms: number): Promise<void>;
  /** Releases everything held (shutdown) and returns what came out. */
  finish(): Promise<{ events: FailureEvent[]; calls: TelemetryItem[] }>;
}

const WAIT_MS = 500;

export async function startChain(o: ChainOptions): Promise<Chain> {
  const t = createTestComponents();
  const yaml = `
receivers: { test_receiver: }
processors:
  normalize: ${JSON.stringify(o.normalize ?? {})}
  trace_assembler: { wait_ms: ${WAIT_MS}, flush_interval_ms: 100 }
  detectors: ${JSON.stringify(o.detectors ?? {})}
  classifier: {}
exporters: { test_exporter: }
service: { pipelines: { main: { receivers: [test_receiver], processors: [normalize, trace_assembler, detectors, classifier], exporters: [test_exporter] } } }
`;
  const config = parseConfig(yaml, [...t.factories, normalize, traceAssembler, detectors, classifier]);
  const time = createManualTime(o.startMs);
  const pipelines = await buildPipelines(config, { logger: pino({ level: 'silent' }), clock: time.clock, scheduler: time.scheduler });
  await pipelines.start();
  let now = o.startMs;
  const advanceTo = async (ms: number) => {
    if (ms <= now) return;
    now = ms;
    await time.advanceTo(ms);
  };
  return {
    async send(spans) {
      const built = spans.map((s) => span(s));
      await advanceTo(Math.max(...built.map((s) => Number(s.endTimeUnixNano / 1_000_000n))));
      await t.consumer('test_receiver')(createBatch({ spans: built }));
    },
    advanceTo,
    async finish() {
      await advanceTo(now + WAIT_MS * 2);
      await pipelines.shutdown();
      const batches = t.exported('test_exporter');
      return { events: batches.flatMap((b) => [...b.events]), calls: batches.flatMap((b) => [...b.calls]) };
    },
  };
}

/** category/subtype of each event, what most tests assert first. */
export const subtypes = (events: readonly FailureEvent[]): string[] => events.map((e) => `${e.category}/${e.subtype}`);
