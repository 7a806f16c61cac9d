// Runs recorded telemetry through a pipeline in process, on event time: a manual clock advances to
// each chunk's newest span and fires the scheduler's timers on the way, so windows, holds and
// periodic work behave as they would have live, and hours of traffic take seconds. Used by
// `faultline classify` and `faultline replay`. Receivers and exporters of the configuration are
// left out (nothing opens a port or a file); an in-memory exporter captures what comes out. The
// components run with ctx.mode 'offline': each does its work inline and deterministically.
import { z } from 'zod';
import { defineExporter, type AgentConfig, type ComponentFactory } from '../core/component.ts';
import { createManualTime } from '../core/clock.ts';
import { ConfigError } from '../../config/errors.ts';
import { createLogger } from '../core/logger.ts';
import { createBatch, laneItems } from '../core/model/batch.ts';
import type { LaneItem, LaneName } from '../core/model/lanes.ts';
import type { OtlpLogRecord, OtlpSpan } from '../core/model/otlp.ts';
import { registry } from '../registry.ts';
import { componentKey, resolveComponents } from '../../config/resolve.ts';
import type { AgentConfigShape } from '../../config/schema.ts';
import { buildPipelines } from '../core/pipeline/build.ts';

/** An item that came out of the pipeline, with the event time at which it came out. */
export interface Emitted<T> {
  item: T;
  emittedAtMs: number;
}

/** What came out of the pipeline on the kept lanes. */
export interface OfflineOutput {
  /** A kept lane's items in the order they came out; empty for a lane that was not kept. */
  emitted<L extends LaneName>(lane: L): Emitted<LaneItem<L>>[];
  emitted(lane: string): Emitted<unknown>[];
  /** Processor ids of the pipelines that ran, in order. */
  processors: string[];
}

/** The lanes an offline run keeps unless told otherwise: what replay judges. */
export const DEFAULT_KEPT_LANES: readonly LaneName[] = ['events', 'incidents', 'correlations'];

export interface OfflineOptions {
  env?: NodeJS.ProcessEnv;
  /** Lanes to keep (classify --output picks one); default DEFAULT_KEPT_LANES, the others are dropped to save memory. */
  keep?: readonly string[];
  /** Called after each chunk with the spans fed so far. */
  onProgress?: (fed: number, total: number) => void;
  /** Event time run past the last span before shutdown, so timers (holds, auto-resolve) fire. */
  tailMs?: number;
}

const CHUNK_SPANS = 500;
const CHUNK_MS = 1_000;

/** The processors `faultline classify` and `replay` use when no configuration is given. */
export const DEFAULT_OFFLINE_PROCESSORS = ['normalize', 'trace_assembler', 'detectors', 'classifier', 'correlator'] as const;

export function defaultOfflineConfig(): AgentConfig {
  const shape: AgentConfigShape = {
    receivers: {},
    processors: Object.fromEntries(DEFAULT_OFFLINE_PROCESSORS.map((p) => [p, {}])),
    exporters: {},
    storage: undefined,
    service: {
      pipelines: { offline: { receivers: [], processors: [...DEFAULT_OFFLINE_PROCESSORS], exporters: [] } },
      telemetry: { logs: { level: 'warn' }, metrics: { enabled: false, endpoint: '127.0.0.1:0' } },
      shutdown_timeout_ms: 60_000,
      max_inflight_items: Number.MAX_SAFE_INTEGER,
    },
  };
  const issues: { path: string; message: string }[] = [];
  const resolved = resolveComponents(shape, registry, issues);
  if (issues.length > 0) throw new ConfigError(issues, 'the built-in offline pipeline');
  return resolved;
}

export async function runOffline(
  spans: readonly OtlpSpan[],
  logs: readonly OtlpLogRecord[],
  config: AgentConfig,
  options: OfflineOptions = {},
): Promise<OfflineOutput> {
  const sorted = [...spans].sort((a, b) => (a.endTimeUnixNano < b.endTimeUnixNano ? -1 : a.endTimeUnixNano > b.endTimeUnixNano ? 1 : 0));
  const startMs = sorted.length > 0 ? endMs(sorted[0]) : 0;
  const time = createManualTime(startMs);
  const kept = new Map<string, Emitted<unknown>[]>((options.keep ?? DEFAULT_KEPT_LANES).map((lane) => [lane, []]));
  const capture: ComponentFactory = defineExporter({
    type: 'offline_capture',
    description: 'Collects what an offline run produces, in memory.',
    configSchema: z.strictObject({}),
    create: () => ({
      async export(batch) {
        const at = time.clock.now();
        for (const [lane, list] of kept) for (const item of laneItems(batch, lane)) list.push({ item, emittedAtMs: at });
      },
    }),
  });
  const offline = withCapture(config, capture);
  const out: OfflineOutput = {
    emitted: (lane: string) => (kept.get(lane) ?? []) as never,
    processors: [...new Set(Object.values(offline.pipelines).flatMap((p) => p.processors))],
  };
  const logger = createLogger(options.env?.FAULTLINE_LOG_LEVEL ?? 'warn');
  const pipelines = await buildPipelines(offline, { logger, mode: 'offline', clock: time.clock, scheduler: time.scheduler });
  const names = Object.keys(offline.pipelines);
  const feed = async (batch: ReturnType<typeof createBatch>) => {
    for (const name of names) await pipelines.consume(name, batch);
  };
  await pipelines.start();
  try {
    if (logs.length > 0) await feed(createBatch({ logs: [...logs] }));
    let i = 0;
    while (i < sorted.length) {
      const first = endMs(sorted[i]);
      let j = i + 1;
      while (j < sorted.length && j - i < CHUNK_SPANS && endMs(sorted[j]) - first < CHUNK_MS) j++;
      const chunk = sorted.slice(i, j);
      await time.advanceTo(endMs(chunk[chunk.length - 1]));
      await feed(createBatch({ spans: chunk }));
      i = j;
      options.onProgress?.(i, sorted.length);
    }
    if (sorted.length > 0 && options.tailMs) await time.advanceTo(time.clock.now() + options.tailMs);
  } finally {
    await pipelines.shutdown();
    time.stop();
  }
  return out;
}

/** The configuration's processors, every pipeline ending in the capture exporter; no receivers, no storage. */
function withCapture(config: AgentConfig, capture: ComponentFactory): AgentConfig {
  const components = new Map([...config.components].filter(([, c]) => c.kind === 'processor'));
  components.set(componentKey('exporter', 'offline_capture'), { id: 'offline_capture', kind: 'exporter', factory: capture, config: {} });
  const pipelines = Object.fromEntries(
    Object.entries(config.pipelines).map(([name, p]) => [
      name,
      { receivers: [], processors: p.processors, exporters: ['offline_capture'] },
    ]),
  );
  return {
    ...config,
    components,
    pipelines,
    storage: undefined,
    service: { ...config.service, max_inflight_items: Number.MAX_SAFE_INTEGER },
  };
}

function endMs(span: OtlpSpan): number {
  return Number(span.endTimeUnixNano / 1_000_000n);
}
