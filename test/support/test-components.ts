// Real, minimal implementations of the component contract for pipeline tests (house style B8:
// in-memory fakes, not mocks): a receiver that hands its consumer to the test, an exporter that
// records batches and can be told to fail or hang, a processor that tags what passes.
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

  return {
    factories: [receiver, exporter, holder, dropper],
    consumer: (id: string) => {
      const c = consumers.get(id);
      if (!c) throw new Error(`receiver ${id} has not started`);
      return c;
    },
    exported: (id: string) => exported.get(id) ?? [],
    events,
  };
}
