// A component's timers, guarded: a callback that throws or rejects is logged with the component's
// name and counted (faultline_component_errors_total{stage="timer"}); a periodic timer runs again
// at its next interval. The agent never crashes on a timer.
import type { Logger } from 'pino';
import { runTimer, type Scheduler, type TimerErrorHandler } from '../clock.ts';
import { createSampledWarning } from '../sampled-warning.ts';
import type { ComponentStats } from './stats.ts';

export function timerErrorHandler(logger: Logger, stats: () => ComponentStats): TimerErrorHandler {
  const log = createSampledWarning(logger, undefined, 'error');
  return (err) => {
    stats().timerErrors++;
    log({ err, stage: 'timer' }, 'A timer of this component failed; it runs again at its next interval.');
  };
}

export function guardedScheduler(scheduler: Scheduler, onError: TimerErrorHandler): Scheduler {
  return {
    every: (intervalMs, fn) => scheduler.every(intervalMs, () => runTimer(fn, onError)),
    after: (delayMs, fn) => scheduler.after(delayMs, () => runTimer(fn, onError)),
  };
}
