// The checks every registered component must pass (house style B8), run for each registry entry.
import pino from 'pino';
import { expect, it } from 'vitest';
import { createManualTime } from '../../agent/clock.ts';
import type { ComponentFactory } from '../../agent/component.ts';
import { createBatch } from '../../agent/model/batch.ts';
import { configFields } from '../../agent/config-reference.ts';

export function componentContract(factory: ComponentFactory): void {
  const context = () => {
    const time = createManualTime(1_000);
    return {
      id: factory.type,
      logger: pino({ level: 'silent' }),
      clock: time.clock,
      scheduler: time.scheduler,
      emit: async () => {},
      next: async () => {},
    };
  };

  it('has a valid default configuration', () => {
    expect(factory.configSchema.safeParse({}).success).toBe(true);
  });

  it('rejects unknown keys', () => {
    expect(factory.configSchema.safeParse({ no_such_setting: 1 }).success).toBe(false);
  });

  it('describes every setting', () => {
    const undocumented = configFields(factory.configSchema).filter((f) => f.description === '').map((f) => f.path);
    expect(undocumented).toEqual([]);
  });

  it('shuts down without having started, and twice', async () => {
    const component = await factory.create(factory.configSchema.parse({}) as never, context() as never);
    await component.shutdown?.();
    await component.shutdown?.();
  });

  if (factory.kind === 'processor') {
    it('does not mutate its input', async () => {
      const processor = await factory.create(factory.configSchema.parse({}), context());
      const batch = createBatch();
      Object.freeze(batch);
      const out = await processor.process(batch);
      expect(out).not.toBe(undefined);
      await processor.shutdown?.();
    });
  }
}
