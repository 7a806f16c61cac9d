// Backpressure for the spill buffer: near its cap (or when the disk is full) intake closes, so
// receivers answer 503 + Retry-After and senders keep their data. "Near" leaves headroom for the
// batches already accepted: 10% of the cap, or twice the largest append seen, whichever is more
// (at most half the cap). Intake reopens 10% of the cap lower, so it does not flap. A batch that
// still finds no room waits here (its request stays open) until the drain frees space.
import type { Backpressure } from '../../agent/core/backpressure.ts';
import type { Scheduler } from '../../agent/core/clock.ts';
import type { SpillStats } from '../../agent/delivery/spill/index.ts';

const MIN_HEADROOM = 0.1;
const MAX_HEADROOM = 0.5;
const HYSTERESIS = 0.1;

export interface SpillRoom {
  /** Why intake is closed, or null. */
  readonly holding: string | null;
  /** After an append: reopens intake closed by a storage error, closes it at the high-water mark. */
  afterAppend(stats: SpillStats, appendedBytes: number): void;
  /** An append was refused (cap, full disk, other storage error); closes intake with `message`. */
  refused(message: string, isDiskFull: boolean): void;
  /** After the drain freed space: reopens intake below the low-water mark and wakes waiting batches. */
  afterAck(stats: SpillStats): void;
  /** Resolves at the next afterAck/wakeAll, or after timeoutMs. */
  waitForChange(timeoutMs: number): Promise<void>;
  wakeAll(): void;
  release(): void;
}

export function createSpillRoom(options: {
  id: string;
  path: string;
  maxBytes: number;
  retryAfterSec: number;
  backpressure: Backpressure;
  scheduler: Scheduler;
  onChange: () => void;
}): SpillRoom {
  const { id, path, maxBytes, retryAfterSec, backpressure, scheduler, onChange } = options;
  let holding: string | null = null;
  let refusedByDisk = false;
  let waiters: (() => void)[] = [];
  let largestAppend = 0;
  const holdAt = () => maxBytes - Math.min(maxBytes * MAX_HEADROOM, Math.max(maxBytes * MIN_HEADROOM, 2 * largestAppend));
  const releaseBelow = () => Math.max(0, holdAt() - maxBytes * HYSTERESIS);

  const hold = (message: string) => {
    if (holding === message) return;
    holding = message;
    backpressure.hold(id, message, retryAfterSec);
    onChange();
  };
  const wakeAll = () => {
    const ws = waiters;
    waiters = [];
    for (const w of ws) w();
  };
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;

  return {
    get holding() {
      return holding;
    },
    afterAppend(stats, appendedBytes) {
      largestAppend = Math.max(largestAppend, appendedBytes);
      // An append went through: whatever stopped the disk before has cleared.
      if (refusedByDisk) this.release();
      if (stats.bytes >= holdAt()) {
        hold(
          `the spill buffer ${path} holds ${mib(stats.bytes)} of its ${mib(maxBytes)} cap while PostgreSQL is unreachable or catching up; ` +
            `intake resumes below ${mib(releaseBelow())} (raise spill.max_bytes for longer outages)`,
        );
      }
    },
    refused(message, isDiskFull) {
      refusedByDisk = isDiskFull;
      hold(message);
    },
    afterAck(stats) {
      // A full disk may have room again after any delete; the next append will tell.
      if (holding && (refusedByDisk || stats.bytes <= releaseBelow())) this.release();
      wakeAll();
    },
    waitForChange(timeoutMs) {
      return new Promise<void>((resolve) => {
        const cancel = scheduler.after(timeoutMs, done);
        function done() {
          cancel();
          resolve();
        }
        waiters.push(done);
      });
    },
    wakeAll,
    release() {
      if (!holding) return;
      holding = null;
      refusedByDisk = false;
      backpressure.release(id);
      onChange();
    },
  };
}
