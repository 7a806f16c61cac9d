// Real, minimal implementations of the component contract for pipeline tests (in-memory stand-ins
// that run the real contract, not mocks): a receiver that hands its consumer to the test, an exporter
// that records batches and can be told to fail or hang, processors that hold, drop, or fail on purpose.
import { z } from 'zod';
import { defineExporter, defineProcessor, defineReceiver, type Consumer } from '../../agent/core/component.ts';
import { createBatch, type Batch } from '../../agent/core/model/batch.ts';

export function createTestComponents() {
  const consumers = new Map<string, Consumer>();
  const exported = new Map<string, Batch[]>();
  const events: string[] = [];

  const receiver = defineReceiver({
    type: 'test_receiver',
    description: 'Hands its consumer to the test.',
    configSchema: z.strictObject({}),
    create: (_config, ctx) => ({
      async start() {
        consumers.set(ctx.id, ctx.next);
        events.push(`start ${ctx.id}`);
      },
      async shutdown() {
        events.push(`stop ${ctx.id}`);
      },
    }),
  });

  const exporter = defineExporter({
    type: 'test_exporter',
    description: 'Records batches.',
    configSchema: z.strictObject({ fail: z.boolean().default(false), hang_on_shutdown: z.boolean().default(false) }),
    create: (config, ctx) => ({
      async start() {
        events.push(`start ${ctx.id}`);
      },
      async export(batch) {
        if (config.fail) throw new Error(`${ctx.id} is down`);
        const list = exported.get(ctx.id) ?? [];
        list.push(batch);
        exported.set(ctx.id, list);
      },
      async shutdown() {
        events.push(`stop ${ctx.id}`);
        if (config.hang_on_shutdown) await new Promise(() => {});
      },
    }),
  });

  /** Holds everything until shutdown, then emits it: a stand-in for any stateful processor. */
  const holder = defineProcessor({
    type: 'test_holder',
    description: 'Holds batches until shutdown.',
    configSchema: z.strictObject({}),
    create: (_config, ctx) => {
      const held: Batch[] = [];
      return {
        async start() {
          events.push(`start ${ctx.id}`);
        },
        process(batch) {
          held.push(batch);
          return createBatch();
        },
        async shutdown() {
          events.push(`stop ${ctx.id}`);
          for (const b of held.splice(0)) await ctx.emit(b);
        },
      };
    },
  });

  const dropper = defineProcessor({
    type: 'test_dropper',
    description: 'Drops logs, keeps the rest.',
    configSchema: z.strictObject({}),
    create: () => ({ process: (batch) => createBatch({ ...batch, logs: [] }) }),
  });

  /** A processor with a bug: it throws on any batch that holds the given span, passes the rest. */
  const thrower = defineProcessor({
    type: 'test_thrower',
    description: 'Throws on a batch holding the given span.',
    configSchema: z.strictObject({ span_id: z.string() }),
    create: (config) => ({
      process(batch) {
        if (batch.calls.some((c) => c.source.spanId === config.span_id)) throw new Error(`test_thrower cannot take span ${config.span_id}`);
        return batch;
      },
    }),
  });

  /** A timer with a bug: it throws every time it fires (and records that it fired). */
  const failingTimer = defineProcessor({
    type: 'test_failing_timer',
    description: 'Its timer throws every time.',
    configSchema: z.strictObject({ interval_ms: z.number().int().positive().default(1_000) }),
    create: (config, ctx) => {
      let cancel: (() => void) | null = null;
      return {
        async start() {
          cancel = ctx.scheduler.every(config.interval_ms, () => {
            events.push(`fire ${ctx.id}`);
            throw new Error(`${ctx.id}: the timer broke`);
          });
        },
        process: (batch) => batch,
        async shutdown() {
          cancel?.();
        },
      };
    },
  });

  return {
    factories: [receiver, exporter, holder, dropper, thrower, failingTimer],
    consumer: (id: string) => {
      const c = consumers.get(id);
      if (!c) throw new Error(`receiver ${id} has not started`);
      return c;
    },
    exported: (id: string) => exported.get(id) ?? [],
    events,
  };
}
