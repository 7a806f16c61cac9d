// A small pool of worker threads for the expensive checks, with a bounded queue. run() hands a
// batch's jobs to the least busy workers, a list at a time, and waits at most the batch's budget:
// a job refused by the full queue or not back in time resolves null and is counted as dropped
// (per check), so a slow check never stalls intake. Before the queue is full, a deep queue holds
// intake closed (receivers answer 503 + Retry-After), so dropping stays the answer to overload.
// Depth (jobs sent and not yet answered, per check) is an observable gauge.
import type { Meter, ObservableResult } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Backpressure } from '../../../agent/core/backpressure.ts';
import {
  checksOf,
  wallClockMs,
  type CheckName,
  type ExpensiveJob,
  type ExpensiveResult,
  type JobList,
  type WorkerReply,
} from './expensive-checks.ts';

export interface CheckPoolOptions {
  readonly threads: number;
  readonly maxQueue: number;
  readonly meter: Meter;
  readonly logger: Logger;
  /** Where a deep queue closes intake, and from what depth; omitted: it never does. */
  readonly intake?: { readonly backpressure: Backpressure; readonly holder: string; readonly holdAt: number };
  /** The worker's entry module; check-worker.js unless a test swaps it. */
  readonly entry?: URL;
}

export interface CheckPool {
  /** Spawns the workers and waits until each has loaded its checks. */
  start(): Promise<void>;
  /** One result per job, null for a job dropped (queue full, or over budget). */
  run(jobs: readonly ExpensiveJob[], wait: WaitLimits): Promise<(ExpensiveResult | null)[]>;
  /** Terminates the workers; safe without start and twice. */
  shutdown(): Promise<void>;
}

export interface WaitLimits {
  /** Worker time the batch's checks get, counted from when the batches queued before it are due. */
  readonly budgetMs: number;
  /** The longest the batch waits from now, whatever is queued before it. */
  readonly maxWaitMs: number;
}

/** When a batch sent at `now` stops waiting, given when the previous batch does (epoch ms). */
export function batchDeadline(now: number, previous: number, wait: WaitLimits): number {
  return Math.min(Math.max(now, previous) + wait.budgetMs, now + wait.maxWaitMs);
}

interface Slot {
  worker: Worker;
  /** Where the worker's answers arrive; drained synchronously at a batch's deadline. */
  port: MessagePort;
  ready: Promise<void>;
  markReady: () => void;
  outstanding: number;
}

interface Waiting {
  readonly slot: Slot;
  readonly checks: CheckName[];
  readonly resolve: (r: ExpensiveResult | null) => void;
  /** Already counted as dropped (its batch stopped waiting). */
  abandoned: boolean;
}

const ENTRY = new URL('./check-worker.js', import.meta.url);
const CHECKS: readonly CheckName[] = ['language', 'entities'];
/** Jobs per posted list: the worker answers a list at once, so results come back in steps this size. */
const LIST_JOBS = 64;
const RETRY_AFTER_SEC = 1;

export function createCheckPool(o: CheckPoolOptions): CheckPool {
  const slots: Slot[] = [];
  const waiting = new Map<number, Waiting>();
  const depth: Record<CheckName, number> = { language: 0, entities: 0 };
  let nextId = 1;
  // When the last batch sent stops waiting (epoch ms): the next one's budget starts there.
  let lastDeadline = 0;
  let stopped = false;
  let broken = false;
  let holding = false;

  const dropped = o.meter.createCounter('faultline_detector_queue_dropped_total', {
    description: 'Expensive detector checks dropped: refused by the full queue or not back within the budget.',
  });
  // Exported at 0 from the start: rate() cannot see the increment that creates a series, so the
  // first burst of drops would never alert (FaultlineDetectorQueueDropping).
  for (const check of CHECKS) dropped.add(0, { check });
  const depthGauge = o.meter.createObservableGauge('faultline_detector_queue_depth', {
    description: 'Expensive detector checks sent to worker threads and not yet answered.',
  });
  const observeDepth = (r: ObservableResult) => {
    for (const check of CHECKS) r.observe(depth[check], { check });
  };
  depthGauge.addCallback(observeDepth);

  const drop = (checks: readonly CheckName[]) => {
    for (const check of checks) dropped.add(1, { check });
  };

  // Hysteresis: intake closes at holdAt jobs waiting and opens again at half of it.
  const updateIntake = () => {
    const intake = o.intake;
    if (intake === undefined) return;
    if (!holding && waiting.size >= intake.holdAt && !stopped) {
      holding = true;
      intake.backpressure.hold(
        intake.holder,
        `${waiting.size} quality checks are waiting for the worker threads (intake closes at ${intake.holdAt}); retry shortly.`,
        RETRY_AFTER_SEC,
      );
    } else if (holding && (waiting.size <= intake.holdAt / 2 || stopped)) {
      holding = false;
      intake.backpressure.release(intake.holder);
    }
  };

  const settle = (id: number, result: ExpensiveResult | null) => {
    const w = waiting.get(id);
    if (w === undefined) return;
    waiting.delete(id);
    w.slot.outstanding--;
    for (const c of w.checks) depth[c]--;
    if (result === null && !w.abandoned) drop(w.checks);
    w.resolve(result);
  };

  const onReply = (slot: Slot, msg: WorkerReply) => {
    if ('ready' in msg) {
      slot.markReady();
      return;
    }
    for (const a of msg.answers) settle(a.id, a.result);
    updateIntake();
  };

  function spawn(): Slot {
    // Answers come over a channel of our own, so a batch whose deadline passed while this thread
    // was busy can still take the answers already queued for it (receiveMessageOnPort).
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(o.entry ?? ENTRY, { workerData: { port: port2 }, transferList: [port2] });
    // Workers never keep the process alive on their own; shutdown() ends them.
    worker.unref();
    port1.unref();
    let resolveReady!: () => void;
    let isReady = false;
    const ready = new Promise<void>((r) => (resolveReady = r));
    const markReady = () => {
      isReady = true;
      resolveReady();
    };
    const slot: Slot = { worker, port: port1, ready, markReady, outstanding: 0 };
    port1.on('message', (msg: WorkerReply) => onReply(slot, msg));
    const fail = (err: unknown) => {
      resolveReady();
      const i = slots.indexOf(slot);
      if (i === -1) return;
      slots.splice(i, 1);
      port1.close();
      for (const [id, w] of waiting) if (w.slot === slot) settle(id, null);
      updateIntake();
      if (stopped) return;
      // A worker that never loaded will not load the next time either: stop trying, drop and count.
      if (!isReady) {
        broken = true;
        o.logger.error({ err }, 'Quality check worker failed to start; language and entity checks are off (counted as dropped).');
        return;
      }
      o.logger.warn({ err }, 'Quality check worker stopped; starting another.');
      slots.push(spawn());
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker exited with code ${code}`)));
    return slot;
  }

  const ensureStarted = () => {
    while (!stopped && !broken && slots.length < o.threads) slots.push(spawn());
  };

  /** Takes every answer already queued by the workers, without waiting for this thread's turn. */
  const drainAnswers = () => {
    for (const slot of slots) {
      for (let m = receiveMessageOnPort(slot.port); m !== undefined; m = receiveMessageOnPort(slot.port))
        onReply(slot, m.message as WorkerReply);
    }
  };

  return {
    async start() {
      ensureStarted();
      await Promise.all(slots.map((s) => s.ready));
    },

    async run(jobs, wait) {
      const results: (ExpensiveResult | null)[] = jobs.map(() => null);
      ensureStarted();
      if (slots.length === 0) {
        for (const job of jobs) drop(checksOf(job));
        return results;
      }
      const ids: number[] = [];
      const answers: Promise<void>[] = [];
      const outgoing = new Map<Slot, { id: number; job: ExpensiveJob }[]>();
      jobs.forEach((job, i) => {
        const checks = checksOf(job);
        if (waiting.size >= o.maxQueue) {
          drop(checks);
          return;
        }
        const slot = slots.reduce((a, b) => (b.outstanding < a.outstanding ? b : a));
        const id = nextId++;
        slot.outstanding++;
        for (const c of checks) depth[c]++;
        answers.push(
          new Promise<void>((resolve) => {
            waiting.set(id, { slot, checks, abandoned: false, resolve: (r) => ((results[i] = r), resolve()) });
          }),
        );
        ids.push(id);
        let list = outgoing.get(slot);
        if (list === undefined) outgoing.set(slot, (list = []));
        list.push({ id, job });
      });
      updateIntake();
      if (answers.length === 0) return results;
      // A compute budget, not event time: replay must not wait longer for a worker than live does.
      // Batches in flight together queue on the same workers: each one's budget starts when those
      // sent before it are due, or all but the first would miss it in any burst. The worker skips
      // what is still queued at the deadline (see answerJobs).
      const now = wallClockMs();
      const deadline = (lastDeadline = batchDeadline(now, lastDeadline, wait));
      for (const [slot, list] of outgoing) {
        for (let k = 0; k < list.length; k += LIST_JOBS)
          slot.port.postMessage({ deadline, jobs: list.slice(k, k + LIST_JOBS) } satisfies JobList);
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(answers), new Promise<void>((resolve) => (timer = setTimeout(resolve, deadline - now)))]);
      clearTimeout(timer);
      drainAnswers();
      for (const id of ids) {
        const w = waiting.get(id);
        if (w !== undefined && !w.abandoned) {
          w.abandoned = true;
          drop(w.checks);
        }
      }
      return results;
    },

    async shutdown() {
      if (stopped) return;
      stopped = true;
      depthGauge.removeCallback(observeDepth);
      const all = slots.splice(0);
      for (const id of [...waiting.keys()]) settle(id, null);
      updateIntake();
      for (const s of all) s.port.close();
      await Promise.all(all.map((s) => s.worker.terminate()));
    },
  };
}
