// The checks every registered component must pass (valid defaults, strict config, safe shutdown,
// input never mutated), run for each registry entry so a new component gets them for free.
import pino from 'pino';
import { expect, it } from 'vitest';
import { createManualTime } from '../../agent/core/clock.ts';
import type { ComponentFactory } from '../../agent/core/component.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import { configFields } from '../../agent/config-reference.ts';
import { e1Success, e2RateLimited } from '../fixtures/spans/litellm-v1.ts';
import { llmCall } from './llm-call-builder.ts';
import { logRecord, span } from './span-builder.ts';
import { deepFreeze } from './deep-freeze.ts';
import { makeServices } from './component-context.ts';

/** `services` overrides what the context carries, e.g. a real database for components that need one. */
export function componentContract(factory: ComponentFactory, services: () => Partial<ReturnType<typeof makeServices>> = () => ({})): void {
  const context = () => {
    const time = createManualTime(1_000);
    return {
      id: factory.type,
      logger: pino({ level: 'silent' }),
      clock: time.clock,
      scheduler: time.scheduler,
      ...makeServices(),
      ...services(),
      emit: async () => {},
      next: async () => {},
    };
  };

  const example = factory.exampleConfig ?? {};
  it('has a valid default configuration', () => {
    expect(factory.configSchema.safeParse(example).success).toBe(true);
  });

  if (factory.exampleConfig) {
    it('names each required setting when it is missing', () => {
      const result = factory.configSchema.safeParse({});
      expect(result.success).toBe(false);
      const missing = result.error!.issues.map((i) => i.path.join('.'));
      expect(missing.sort()).toEqual(
        Object.keys(factory.exampleConfig!)
          .filter((k) => !factory.configSchema.safeParse({ ...factory.exampleConfig, [k]: undefined }).success)
          .sort(),
      );
    });
  }

  it('rejects unknown keys', () => {
    expect(factory.configSchema.safeParse({ no_such_setting: 1 }).success).toBe(false);
  });

  it('describes every setting', () => {
    const undocumented = configFields(factory.configSchema)
      .filter((f) => f.description === '')
      .map((f) => f.path);
    expect(undocumented).toEqual([]);
  });

  it('shuts down without having started, and twice', async () => {
    const component = await factory.create(factory.configSchema.parse(example) as never, context() as never);
    await component.shutdown?.();
    await component.shutdown?.();
  });

  if (factory.kind === 'processor') {
    it('does not mutate its input', async () => {
      const processor = await factory.create(factory.configSchema.parse(example), context());
      // Every lane filled, so whatever a processor reads, it reads something real.
      const batch = createBatch({
        spans: [span(e1Success.input), span(e2RateLimited.input)],
        logs: [logRecord()],
        calls: [llmCall({ spanId: '1'.repeat(16) })],
      });
      const before = structuredClone(batch);
      deepFreeze(batch);
      const out = await processor.process(batch);
      expect(out).toBeDefined();
      expect(batch).toEqual(before);
      await processor.shutdown?.();
    });
  }
}
