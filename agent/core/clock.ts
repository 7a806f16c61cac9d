// Event time for processors. Live runs use the wall clock and real timers; replay uses a manual
// clock that advances to span timestamps and fires the timers that fall due on the way.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export type Cancel = () => void;

export interface Scheduler {
  /** Runs fn every intervalMs of clock time until cancelled. */
  every(intervalMs: number, fn: () => void | Promise<void>): Cancel;
}

export interface LiveTime {
  clock: Clock;
  scheduler: Scheduler;
  /** Cancels every timer (shutdown). */
  stop(): void;
}

export function createLiveTime(): LiveTime {
  const timers = new Set<NodeJS.Timeout>();
  return {
    clock: { now: () => Date.now() },
    scheduler: {
      every(intervalMs, fn) {
        const t = setInterval(() => void fn(), intervalMs);
        t.unref();
        timers.add(t);
        return () => {
          clearInterval(t);
          timers.delete(t);
        };
      },
    },
    stop() {
      for (const t of timers) clearInterval(t);
      timers.clear();
    },
  };
}

export interface ManualTime {
  clock: Clock;
  scheduler: Scheduler;
  /** Moves time forward (never back) and runs every timer due on the way, in time order. */
  advanceTo(ms: number): Promise<void>;
  stop(): void;
}

interface ManualTimer {
  dueMs: number;
  intervalMs: number;
  fn: () => void | Promise<void>;
  cancelled: boolean;
}

export function createManualTime(startMs = 0): ManualTime {
  let now = startMs;
  const timers: ManualTimer[] = [];
  return {
    clock: { now: () => now },
    scheduler: {
      every(intervalMs, fn) {
        const timer: ManualTimer = { dueMs: now + intervalMs, intervalMs, fn, cancelled: false };
        timers.push(timer);
        return () => {
          timer.cancelled = true;
        };
      },
    },
    async advanceTo(ms) {
      if (ms <= now) return;
      for (;;) {
        let next: ManualTimer | undefined;
        for (const t of timers) if (!t.cancelled && t.dueMs <= ms && (!next || t.dueMs < next.dueMs)) next = t;
        if (!next) break;
        // A periodic timer far behind a jump in time fires once at its latest due point, as
        // setInterval does under load, instead of once per missed interval.
        const behind = Math.floor((ms - next.dueMs) / next.intervalMs);
        if (behind > 1) next.dueMs += (behind - 1) * next.intervalMs;
        now = Math.max(now, next.dueMs);
        next.dueMs += next.intervalMs;
        await next.fn();
      }
      now = ms;
    },
    stop() {
      for (const t of timers) t.cancelled = true;
      timers.length = 0;
    },
  };
}
