// Backpressure for the spill buffer: at 90% of its cap (or when the disk is full) intake closes,
// so receivers answer 503 + Retry-After and senders keep their data; it reopens below 80%, so it
// does not flap. The 10% above the high-water mark is room for batches already accepted. A batch
// that still finds no room waits here (its request stays open) until the drain frees space.
import type { Backpressure } from '../../agent/backpressure.ts';
import type { SpillStats } from '../../agent/spill/index.ts';

const HOLD_AT = 0.9;
const RELEASE_BELOW = 0.8;

export interface SpillRoom {
  /** Why intake is closed, or null. */
  readonly holding: string | null;
  /** After an append: reopens intake closed by a storage error, closes it at the high-water mark. */
  afterAppend(stats: SpillStats): void;
  /** An append was refused (cap, full disk, other storage error); closes intake with `message`. */
  refused(message: string, isDiskFull: boolean): void;
  /** After the drain freed space: reopens intake below the low-water mark and wakes waiting batches. */
  afterAck(stats: SpillStats): void;
  /** Resolves at the next afterAck/wakeAll, or after timeoutMs. */
  waitForChange(timeoutMs: number): Promise<void>;
  wakeAll(): void;
  release(): void;
}

export function createSpillRoom(options: { id: string; path: string; maxBytes: number; retryAfterSec: number; backpressure: Backpressure; onChange: () => void }): SpillRoom {
  const { id, path, maxBytes, retryAfterSec, backpressure, onChange } = options;
  let holding: string | null = null;
  let refusedByDisk = false;
  let waiters: (() => void)[] = [];

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
    afterAppend(stats) {
      // An append went through: whatever stopped the disk before has cleared.
      if (refusedByDisk) this.release();
      if (stats.bytes >= maxBytes * HOLD_AT) {
        hold(
          `the spill buffer ${path} holds ${mib(stats.bytes)} of its ${mib(maxBytes)} cap while PostgreSQL catches up; ` +
            `intake resumes below ${Math.round(RELEASE_BELOW * 100)}% (raise spill.max_bytes for longer outages)`,
        );
      }
    },
    refused(message, isDiskFull) {
      refusedByDisk = isDiskFull;
      hold(message);
    },
    afterAck(stats) {
      // A full disk may have room again after any delete; the next append will tell.
      if (holding && (refusedByDisk || stats.bytes < maxBytes * RELEASE_BELOW)) this.release();
      wakeAll();
    },
    waitForChange(timeoutMs) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
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
