// Event time for processors. Live runs use the wall clock and real timers; replay uses a manual
// clock that advances to span timestamps and fires the timers that fall due on the way. A timer
// callback that throws or rejects never crashes the agent: its error goes to onError (the
// pipeline gives each component its own, which logs with the component's name and counts it).

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export type Cancel = () => void;

export interface Scheduler {
  /** Runs fn every intervalMs of clock time until cancelled; a failing run is reported, the next one still comes. */
  every(intervalMs: number, fn: () => void | Promise<void>): Cancel;
  /** Runs fn once, delayMs of clock time from now, unless cancelled first. */
  after(delayMs: number, fn: () => void | Promise<void>): Cancel;
}

/** Receives the error of a timer callback; the timer keeps its schedule. */
export type TimerErrorHandler = (err: unknown) => void;

export interface TimeOptions {
  /** Default: a process warning naming the error (components get a handler of their own). */
  onError?: TimerErrorHandler;
}

/** Runs a timer callback, handing what it throws or rejects with to onError. */
export async function runTimer(fn: () => void | Promise<void>, onError: TimerErrorHandler): Promise<void> {
  try {
    await fn();
  } catch (err) {
    try {
      onError(err);
    } catch {
      // A failing error handler must not turn a handled timer error into a crash.
    }
  }
}

const warnTimerError: TimerErrorHandler = (err) =>
  process.emitWarning(`A timer callback failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);

export interface LiveTime {
  clock: Clock;
  scheduler: Scheduler;
  /** Cancels every timer (shutdown). */
  stop(): void;
}

export function createLiveTime(options: TimeOptions = {}): LiveTime {
  const onError = options.onError ?? warnTimerError;
  const timers = new Set<NodeJS.Timeout>();
  return {
    clock: { now: () => Date.now() },
    scheduler: {
      every(intervalMs, fn) {
        const t = setInterval(() => void runTimer(fn, onError), intervalMs);
        t.unref();
        timers.add(t);
        return () => {
          clearInterval(t);
          timers.delete(t);
        };
      },
      after(delayMs, fn) {
        const t = setTimeout(() => {
          timers.delete(t);
          void runTimer(fn, onError);
        }, delayMs);
        t.unref();
        timers.add(t);
        return () => {
          clearTimeout(t);
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
  /** The timers waiting to fire, earliest first, so a test can see that something waits and until when. */
  pending(): PendingTimer[];
  stop(): void;
}

export interface PendingTimer {
  readonly dueMs: number;
  /** Set by every(); false for after(). */
  readonly periodic: boolean;
}

interface ManualTimer {
  dueMs: number;
  /** null for a one-shot timer (after). */
  intervalMs: number | null;
  fn: () => void | Promise<void>;
  cancelled: boolean;
}

export function createManualTime(startMs = 0, options: TimeOptions = {}): ManualTime {
  const onError = options.onError ?? warnTimerError;
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
      after(delayMs, fn) {
        // Fired and cancelled one-shot timers go, so waits that come and go keep the list short.
        for (let i = timers.length - 1; i >= 0; i--) if (timers[i].cancelled) timers.splice(i, 1);
        const timer: ManualTimer = { dueMs: now + Math.max(0, delayMs), intervalMs: null, fn, cancelled: false };
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
        if (next.intervalMs === null) {
          now = Math.max(now, next.dueMs);
          next.cancelled = true;
          await runTimer(next.fn, onError);
          continue;
        }
        // A periodic timer far behind a jump in time fires once at its latest due point, as
        // setInterval does under load, instead of once per missed interval; but never past a
        // one-shot timer due earlier, which would then run late and out of order.
        let horizon = ms;
        for (const t of timers) if (!t.cancelled && t.intervalMs === null) horizon = Math.min(horizon, t.dueMs);
        const behind = Math.floor((horizon - next.dueMs) / next.intervalMs);
        if (behind > 1) next.dueMs += (behind - 1) * next.intervalMs;
        now = Math.max(now, next.dueMs);
        next.dueMs += next.intervalMs;
        await runTimer(next.fn, onError);
      }
      now = ms;
    },
    pending: () =>
      timers
        .filter((t) => !t.cancelled)
        .map((t) => ({ dueMs: t.dueMs, periodic: t.intervalMs !== null }))
        .sort((a, b) => a.dueMs - b.dueMs),
    stop() {
      for (const t of timers) t.cancelled = true;
      timers.length = 0;
    },
  };
}
