// The contract every component implements. Components import this file and the
// shared model, never a sibling component. The pipeline owns chaining, fan-out, counting and
// lifecycle order; a component only transforms, holds, or delivers.
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ResolvedConfig } from '../../config/resolve.ts';
import type { Backpressure } from './backpressure.ts';
import type { Health } from './health.ts';
import type { Database } from './database.ts';
import type { Leadership } from './leadership.ts';
import type { Batch } from './model/batch.ts';
import type { Clock, Scheduler } from './clock.ts';
import type { ReceiverStats } from './receiver-stats.ts';

/**
 * live: the agent serving traffic. offline: classify and replay, recorded telemetry on a manual
 * clock, where a component does its work inline and deterministically (no worker threads, no
 * wall-clock budgets) so the same input always gives the same output.
 */
export type RunMode = 'live' | 'offline';

/** What a factory needs from the configuration beyond its own settings; `validate` checks it. */
export type Requirement = 'database';

export interface ComponentContext {
  /** The id from agent.yaml, `type` or `type/name`. */
  readonly id: string;
  readonly mode: RunMode;
  readonly logger: Logger;
  /** Event time: wall clock when live, span time when replaying. Never call Date.now() in a processor. */
  readonly clock: Clock;
  /** Timers that follow `clock`, so replay drives them from event time. */
  readonly scheduler: Scheduler;
  /** The agent's PostgreSQL, or null when it runs without one (classify, replay, most tests). */
  readonly database: Database | null;
  /** Whether this agent does the fleet-wide work now, and the epoch to fence it with (docs/fleet.md). */
  readonly leadership: Leadership;
  /** For this component's own metrics (self-telemetry); a no-op meter when metrics are off. */
  readonly meter: Meter;
  /** Closes intake (receivers answer 503 + Retry-After) while this component cannot take more. */
  readonly backpressure: Backpressure;
  /** Readiness for /readyz. */
  readonly health: Health;
}

export interface ProcessorContext extends ComponentContext {
  /**
   * Hands a batch to the steps after this processor, for output that process() did not return:
   * items released by a timer, or flushed at shutdown.
   */
  emit(batch: Batch): Promise<void>;
}

/** Accepts a batch into the pipeline; throws RefusedError when the pipeline is over its high-water mark. */
export type Consumer = (batch: Batch) => Promise<void>;

export interface ReceiverContext extends ComponentContext {
  readonly next: Consumer;
}

export interface Processor {
  /** Returns what goes on. Never calls the next step and never mutates its input. */
  process(batch: Batch): Batch | Promise<Batch>;
  start?(): Promise<void>;
  /** Flushes what it holds (through ctx.emit). Safe without start and when called twice. */
  shutdown?(): Promise<void>;
}

export interface Exporter {
  export(batch: Batch): Promise<void>;
  start?(): Promise<void>;
  /** Delivers what it holds. Safe without start and when called twice. */
  shutdown?(): Promise<void>;
}

export interface Receiver {
  start(): Promise<void>;
  /** Stops accepting; resolves when in-flight requests have been answered. Safe twice. */
  shutdown(): Promise<void>;
  /** Its counters by transport, signal and outcome, for self-telemetry; a copy. */
  stats?(): ReceiverStats;
}

export type ComponentKind = 'receiver' | 'processor' | 'exporter';

interface FactoryBase<C> {
  /** The key used in agent.yaml, lower_snake_case. */
  readonly type: string;
  /** One line for `--help` and the config reference. */
  readonly description: string;
  /** Strict, with a default for every optional field and a .describe() on each. */
  readonly configSchema: z.ZodType<C>;
  /**
   * A minimal valid configuration, only for components with a required setting no default can
   * stand in for (a receiver's URL or key). The component contract tests use it instead of `{}`.
   */
  readonly exampleConfig?: Record<string, unknown>;
  /** `database`: it cannot run without `storage:`, so a configuration using it without one is invalid. */
  readonly requires?: readonly Requirement[];
  /**
   * Local files or directories this component keeps data in, by what they hold (e.g.
   * `{ spill: 'data/spill/postgres.sqlite' }`), so `faultline run` can say at start where its data lives.
   */
  localFiles?(config: C, id: string): Record<string, string>;
}

export interface ReceiverFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'receiver';
  create(config: C, ctx: ReceiverContext): Receiver | Promise<Receiver>;
}

export interface ProcessorFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'processor';
  create(config: C, ctx: ProcessorContext): Processor | Promise<Processor>;
}

export interface ExporterFactory<C = unknown> extends FactoryBase<C> {
  readonly kind: 'exporter';
  create(config: C, ctx: ComponentContext): Exporter | Promise<Exporter>;
}

export type ComponentFactory = ReceiverFactory<any> | ProcessorFactory<any> | ExporterFactory<any>;

// Identity helpers: they exist only so TypeScript infers C from the schema.
export const defineReceiver = <C>(f: Omit<ReceiverFactory<C>, 'kind'>): ReceiverFactory<C> => ({ kind: 'receiver', ...f });
export const defineProcessor = <C>(f: Omit<ProcessorFactory<C>, 'kind'>): ProcessorFactory<C> => ({ kind: 'processor', ...f });
export const defineExporter = <C>(f: Omit<ExporterFactory<C>, 'kind'>): ExporterFactory<C> => ({ kind: 'exporter', ...f });

/** A configuration resolved against this build's factories: what the pipeline builder runs. */
export type AgentConfig = ResolvedConfig<ComponentFactory>;
