// Builds the running agent from a resolved config: exporters (shared), one processor chain per
// pipeline, receivers (shared) wired to every pipeline that lists them. The chain is built here,
// so components never call each other (house style B4).
import type { AgentConfig } from '../component.ts';
import { createNoopMeter, type Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { createBackpressure, type Backpressure } from '../backpressure.ts';
import { createHealth, type Health } from '../health.ts';
import type { Database } from '../../store/database.ts';
import type { Clock, Scheduler } from '../clock.ts';
import type { ComponentContext, ComponentFactory, Consumer, Exporter, Processor, Receiver } from '../component.ts';
import { RefusedError } from '../errors.ts';
import { countItems, isEmptyBatch, type Batch } from '../model/batch.ts';
import { componentKey, type ResolvedConfig } from '../../../config/resolve.ts';
import { createSampledWarning } from '../sampled-warning.ts';
import { runExporter, runProcessor } from './instrument.ts';
import { StatsRegistry, type ComponentStats } from './stats.ts';
import { shutdownInOrder, type Stoppable } from './lifecycle.ts';

export interface BuildDeps {
  logger: Logger;
  clock: Clock;
  scheduler: Scheduler;
  /** Omitted: components see no database. */
  database?: Database | null;
  /** Omitted: a no-op meter. */
  meter?: Meter;
  backpressure?: Backpressure;
  health?: Health;
}

export interface AgentPipelines {
  start(): Promise<void>;
  /** Receivers stop first, then processors flush down the chain, then exporters. */
  shutdown(deadlineMs?: number): Promise<void>;
  /** Feeds a batch into one pipeline, bypassing receivers (classify, replay). */
  consume(pipeline: string, batch: Batch): Promise<void>;
  receiver(id: string): Receiver | undefined;
  stats(): ComponentStats[];
  inflightItems(): number;
  readonly backpressure: Backpressure;
  readonly health: Health;
}

interface BuiltPipeline {
  name: string;
  processors: { id: string; processor: Processor }[];
  run: (batch: Batch) => Promise<void>;
}

export async function buildPipelines(config: AgentConfig, deps: BuildDeps): Promise<AgentPipelines> {
  const stats = new StatsRegistry();
  const meter = deps.meter ?? createNoopMeter();
  const backpressure = deps.backpressure ?? createBackpressure();
  const health = deps.health ?? createHealth();
  const ctxFor = (id: string): ComponentContext => ({
    id,
    logger: deps.logger.child({ component: id }),
    clock: deps.clock,
    scheduler: deps.scheduler,
    database: deps.database ?? null,
    meter,
    backpressure,
    health,
  });
  const resolve = (kind: 'receiver' | 'processor' | 'exporter', id: string) => {
    const c = config.components.get(componentKey(kind, id));
    if (!c) throw new Error(`BUG: ${kind} "${id}" was not resolved`);
    return c;
  };

  const exporters = new Map<string, Exporter>();
  for (const p of Object.values(config.pipelines)) {
    for (const id of p.exporters) {
      if (exporters.has(id)) continue;
      const c = resolve('exporter', id);
      if (c.factory.kind !== 'exporter') throw new Error(`BUG: ${id} is not an exporter`);
      exporters.set(id, await c.factory.create(c.config, ctxFor(id)));
    }
  }

  const pipelines = new Map<string, BuiltPipeline>();
  for (const [name, p] of Object.entries(config.pipelines)) {
    const built: BuiltPipeline = { name, processors: [], run: async () => {} };
    const targets = p.exporters.map((id) => ({
      id,
      exporter: exporters.get(id)!,
      stats: stats.for('exporter', id),
      warn: createSampledWarning(deps.logger.child({ component: id })),
    }));

    const fanOut = async (batch: Batch): Promise<void> => {
      // A failing exporter never blocks or fails the others; each owns its retries and buffer.
      const results = await Promise.allSettled(targets.map((t) => runExporter(t.exporter, t.stats, batch)));
      results.forEach((r, i) => {
        if (r.status === 'rejected') targets[i].warn({ err: r.reason }, 'Exporter failed a batch.');
      });
    };
    const runFrom = async (index: number, batch: Batch): Promise<void> => {
      let current = batch;
      for (let i = index; i < built.processors.length; i++) {
        const { id, processor } = built.processors[i];
        current = await runProcessor(processor, stats.for('processor', id), current);
        if (isEmptyBatch(current)) return;
      }
      await fanOut(current);
    };

    for (const [index, id] of p.processors.entries()) {
      const c = resolve('processor', id);
      if (c.factory.kind !== 'processor') throw new Error(`BUG: ${id} is not a processor`);
      const procStats = stats.for('processor', id);
      const processor = await c.factory.create(c.config, {
        ...ctxFor(id),
        emit: async (batch) => {
          procStats.itemsOut += countItems(batch);
          if (!isEmptyBatch(batch)) await runFrom(index + 1, batch);
        },
      });
      built.processors.push({ id, processor });
    }
    built.run = (batch) => runFrom(0, batch);
    pipelines.set(name, built);
  }

  let inflight = 0;
  let accepting = true;
  const maxInflight = config.service.max_inflight_items;
  const admit = async (targets: BuiltPipeline[], batch: Batch): Promise<void> => {
    if (!accepting) throw new RefusedError('The agent is shutting down.', 'shutting_down', 5);
    const hold = backpressure.current();
    if (hold) throw new RefusedError(`${hold.holder}: ${hold.message}`, 'backpressure', hold.retryAfterSec);
    const n = countItems(batch);
    if (inflight > 0 && inflight + n > maxInflight) {
      throw new RefusedError(`The pipeline holds ${inflight} items, over its limit of ${maxInflight}; retry shortly.`, 'queue', 1);
    }
    inflight += n;
    try {
      await Promise.all(targets.map((t) => t.run(batch)));
    } finally {
      inflight -= n;
    }
  };

  const receivers = new Map<string, Receiver>();
  for (const p of Object.values(config.pipelines)) {
    for (const id of p.receivers) {
      if (receivers.has(id)) continue;
      const feeds = Object.entries(config.pipelines)
        .filter(([, q]) => q.receivers.includes(id))
        .map(([n]) => pipelines.get(n)!);
      const c = resolve('receiver', id);
      if (c.factory.kind !== 'receiver') throw new Error(`BUG: ${id} is not a receiver`);
      const next: Consumer = (batch) => admit(feeds, batch);
      receivers.set(id, await c.factory.create(c.config, { ...ctxFor(id), next }));
    }
  }

  const started: Stoppable[] = [];
  let shutdownPromise: Promise<void> | null = null;
  return {
    async start() {
      const steps: Stoppable[] = [
        ...[...exporters].map(([id, e]) => ({
          phase: 'exporter' as const,
          name: `exporter ${id}`,
          start: e.start?.bind(e),
          stop: e.shutdown?.bind(e),
        })),
        ...[...pipelines.values()].flatMap((p) =>
          p.processors.map(({ id, processor }) => ({
            phase: 'processor' as const,
            name: `processor ${id} (${p.name})`,
            start: processor.start?.bind(processor),
            stop: processor.shutdown?.bind(processor),
          })),
        ),
        ...[...receivers].map(([id, r]) => ({
          phase: 'receiver' as const,
          name: `receiver ${id}`,
          start: r.start.bind(r),
          stop: r.shutdown.bind(r),
        })),
      ];
      for (const step of steps) {
        try {
          await step.start?.();
        } catch (err) {
          await shutdownInOrder(started.slice().reverse(), 5_000).catch(() => {});
          throw err;
        }
        started.push(step);
      }
      health.report('pipeline', { ready: true, detail: 'started' });
    },
    shutdown(deadlineMs = config.service.shutdown_timeout_ms) {
      // Receivers stop first so nothing new arrives; processors then flush in chain order, each
      // into the steps after it; exporters go last, delivering what they hold.
      shutdownPromise ??= (async () => {
        accepting = false;
        health.report('pipeline', { ready: false, detail: 'shutting down' });
        const phase = (p: Stoppable['phase']) => started.filter((s) => s.phase === p);
        await shutdownInOrder([...phase('receiver'), ...phase('processor'), ...phase('exporter')], deadlineMs);
      })();
      return shutdownPromise;
    },
    async consume(pipeline, batch) {
      const p = pipelines.get(pipeline);
      if (!p) throw new Error(`No pipeline named "${pipeline}"; defined: ${[...pipelines.keys()].join(', ')}.`);
      await admit([p], batch);
    },
    receiver: (id) => receivers.get(id),
    stats: () => stats.snapshot(),
    inflightItems: () => inflight,
    backpressure,
    health,
  };
}
