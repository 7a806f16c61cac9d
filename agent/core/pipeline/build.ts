// Builds the running agent from a resolved config: exporters (shared), one processor chain per
// pipeline, receivers (shared) wired to every pipeline that lists them. The chain is built here,
// so components never call each other and can be tested alone.
import type { AgentConfig } from '../component.ts';
import { createNoopMeter, type Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { createBackpressure, type Backpressure } from '../backpressure.ts';
import { createHealth, type Health } from '../health.ts';
import type { Database } from '../database.ts';
import { soloLeadership, type Leadership } from '../leadership.ts';
import { runTimer, type Clock, type Scheduler } from '../clock.ts';
import type { ComponentContext, ComponentFactory, Consumer, Exporter, Processor, Receiver, RunMode } from '../component.ts';
import { RefusedError } from '../errors.ts';
import { countItems, createBatch, isEmptyBatch, type Batch } from '../model/batch.ts';
import { componentKey, type ResolvedConfig } from '../../../config/resolve.ts';
import { createSampledWarning, type SampledLog } from '../sampled-warning.ts';
import { runExporter, runProcessor } from './instrument.ts';
import { mergeBatches, splitUnits } from './isolate.ts';
import { StatsRegistry, type ComponentStats } from './stats.ts';
import { guardedScheduler, timerErrorHandler } from './timer-errors.ts';
import { shutdownInOrder, type Stoppable } from './lifecycle.ts';

export interface BuildDeps {
  logger: Logger;
  /** Omitted: live. */
  mode?: RunMode;
  clock: Clock;
  scheduler: Scheduler;
  /** Omitted: components see no database. */
  database?: Database | null;
  /** Omitted: a no-op meter. */
  meter?: Meter;
  /** Omitted: the agent is alone and always leads. */
  leadership?: Leadership;
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
  processors: { id: string; processor: Processor; warn: SampledLog }[];
  run: (batch: Batch) => Promise<void>;
}

export async function buildPipelines(config: AgentConfig, deps: BuildDeps): Promise<AgentPipelines> {
  const stats = new StatsRegistry();
  const meter = deps.meter ?? createNoopMeter();
  const backpressure = deps.backpressure ?? createBackpressure();
  const health = deps.health ?? createHealth();
  const leadership = deps.leadership ?? soloLeadership();
  const ctxFor = (kind: ComponentStats['kind'], id: string): ComponentContext => {
    const logger = deps.logger.child({ component: id });
    return {
      id,
      mode: deps.mode ?? 'live',
      logger,
      clock: deps.clock,
      scheduler: guardedScheduler(
        deps.scheduler,
        timerErrorHandler(logger, () => stats.for(kind, id)),
      ),
      database: deps.database ?? null,
      leadership,
      meter,
      backpressure,
      health,
    };
  };
  // Items in the pipeline: admitted by a receiver and not yet through every pipeline, or emitted
  // by a processor (timer, shutdown) and not yet through the steps after it.
  let inflight = 0;
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
      exporters.set(id, await c.factory.create(c.config, ctxFor('exporter', id)));
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
    /**
     * Runs the steps from `index` on, then the exporters. With `isolate` (a batch no sender can
     * retry) a step that throws runs again on each unit of the batch, and only the units it
     * fails on are dropped, logged and counted.
     */
    const runFrom = async (index: number, batch: Batch, isolate = false): Promise<void> => {
      let current = batch;
      for (let i = index; i < built.processors.length; i++) {
        const step = built.processors[i];
        current = isolate ? await runIsolated(step, current) : await runProcessor(step.processor, stats.for('processor', step.id), current);
        if (isEmptyBatch(current)) return;
      }
      await fanOut(current);
    };
    const runIsolated = async (step: BuiltPipeline['processors'][number], batch: Batch): Promise<Batch> => {
      const st = stats.for('processor', step.id);
      try {
        return await runProcessor(step.processor, st, batch, { recoverable: true });
      } catch (first) {
        const units = splitUnits(batch);
        if (units.length <= 1) {
          st.errors++;
          step.warn({ err: first, items: countItems(batch) }, 'A processor failed on released items; they were dropped.');
          return createBatch();
        }
        const passed: Batch[] = [];
        for (const unit of units) {
          try {
            passed.push(await runProcessor(step.processor, st, unit, { retry: true }));
          } catch (err) {
            step.warn(
              { err, items: countItems(unit), units: units.length },
              'A processor failed on part of a batch of released items; that part was dropped, the rest went on.',
            );
          }
        }
        return mergeBatches(passed);
      }
    };

    for (const [index, id] of p.processors.entries()) {
      const c = resolve('processor', id);
      if (c.factory.kind !== 'processor') throw new Error(`BUG: ${id} is not a processor`);
      const procStats = stats.for('processor', id);
      const ctx = ctxFor('processor', id);
      const processor = await c.factory.create(c.config, {
        ...ctx,
        // Emitted items were admitted once and have no sender to retry them: they count as in
        // flight until through, and a step that fails on some of them does not lose the others.
        emit: async (batch) => {
          const n = countItems(batch);
          procStats.itemsOut += n;
          if (isEmptyBatch(batch)) return;
          inflight += n;
          try {
            await runFrom(index + 1, batch, true);
          } finally {
            inflight -= n;
          }
        },
      });
      built.processors.push({ id, processor, warn: createSampledWarning(ctx.logger, undefined, 'error') });
    }
    built.run = (batch) => runFrom(0, batch);
    pipelines.set(name, built);
  }

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
      receivers.set(id, await c.factory.create(c.config, { ...ctxFor('receiver', id), next }));
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
