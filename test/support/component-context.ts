// Contexts for building components through their factory in tests: live mode, silent logger, a
// clock frozen at 0, a scheduler that never fires, no database, a no-op meter, and an emit that drops batches.
import { createNoopMeter } from '@opentelemetry/api';
import pino from 'pino';
import { createBackpressure } from '../../agent/core/backpressure.ts';
import type { ComponentContext, ProcessorContext } from '../../agent/core/component.ts';
import { createHealth } from '../../agent/core/health.ts';
import { soloLeadership } from '../../agent/core/leadership.ts';

/** The agent services a component context carries, with nothing behind them. */
export function makeServices(): Pick<ComponentContext, 'mode' | 'database' | 'leadership' | 'meter' | 'backpressure' | 'health'> {
  return {
    mode: 'live',
    database: null,
    leadership: soloLeadership(),
    meter: createNoopMeter(),
    backpressure: createBackpressure(),
    health: createHealth(),
  };
}

export function makeProcessorContext(overrides: Partial<ProcessorContext> = {}): ProcessorContext {
  return {
    id: 'test',
    logger: pino({ level: 'silent' }),
    clock: { now: () => 0 },
    scheduler: { every: () => () => {}, after: () => () => {} },
    emit: async () => {},
    ...makeServices(),
    ...overrides,
  };
}
