// A minimal ProcessorContext for building components through their factory in tests: silent
// logger, a clock frozen at 0, a scheduler that never fires, and an emit that drops batches.
import pino from 'pino';
import type { ProcessorContext } from '../../agent/component.ts';

export function makeProcessorContext(overrides: Partial<ProcessorContext> = {}): ProcessorContext {
  return {
    id: 'test',
    logger: pino({ level: 'silent' }),
    clock: { now: () => 0 },
    scheduler: { every: () => () => {} },
    emit: async () => {},
    ...overrides,
  };
}
