// Delivers the spill buffer to PostgreSQL in order: oldest records first, one transaction per
// chunk, at most drain_rate_per_sec records a second; a chunk is acked only after it committed,
// so a crash mid-drain re-delivers it (the writes are idempotent). On a retryable failure it
// backs off (jittered exponential) and tries the same chunk again; when the failure says the
// destination is away (refused, reset), a cheap probe each second ends the wait as soon as it is
// back, so a long backoff never keeps a recovered destination waiting (new batches queue behind
// the backlog meanwhile). Backoff, probes and pacing wait on the component's scheduler (wall time
// when live), like every wait in a component.
import type { Logger } from 'pino';
import type { Clock, Scheduler } from '../../agent/core/clock.ts';
import type { SpillBuffer } from '../../agent/delivery/spill/index.ts';
import { backoffDelayMs, type BackoffPolicy } from './backoff.ts';
import type { DeliveryResult } from './dead-letters.ts';
import { decodeItem, type ExportItem } from './export-item.ts';
import type { WakeSignal } from './wake-signal.ts';

export interface DrainOptions {
  buffer: SpillBuffer;
  config: { drain_rate_per_sec: number; drain_batch_items: number };
  retry: BackoffPolicy;
  /** Aborted (and `wake` notified) at shutdown: the loop finishes the write in flight, then returns. */
  signal: AbortSignal;
  wake: WakeSignal;
  clock: Clock;
  scheduler: Scheduler;
  deliver(items: readonly ExportItem[]): Promise<DeliveryResult>;
  deadLetterUnreadable(texts: string[]): Promise<void>;
  onDelivered(): void;
  /** The buffer is empty. */
  onIdle(): void;
  onFailed(err: unknown, items: number): void;
  onRetry(): void;
  /** Whether a failure means the destination is away (rather than slow or refusing the data). */
  isAway(err: unknown): boolean;
  /** A cheap check that the destination answers again; never throws. */
  probe(): Promise<boolean>;
  logger: Logger;
}

const PROBE_INTERVAL_MS = 1_000;

export async function runDrainLoop(o: DrainOptions): Promise<void> {
  const chunkSize = Math.max(1, Math.min(o.config.drain_batch_items, o.config.drain_rate_per_sec));
  let failures = 0;
  let drained = 0;
  while (!o.signal.aborted) {
    let chunk;
    try {
      chunk = o.buffer.peek(chunkSize);
    } catch (err) {
      // The file itself failed (I/O error); the buffer quarantines corruption on its own. Keep
      // the loop alive and try again: stopping it would strand everything spilled after this.
      o.logger.error({ err }, 'Reading the spill buffer failed; retrying.');
      failures++;
      await pause(backoffDelayMs(o.retry, failures), o);
      continue;
    }
    if (chunk.length === 0) {
      if (drained > 0) o.logger.info({ records: drained }, 'Spill buffer drained.');
      drained = 0;
      o.onIdle();
      await o.wake.wait(); // notified by every spill, and at shutdown
      continue;
    }
    const items: ExportItem[] = [];
    const unreadable: string[] = [];
    for (const r of chunk) {
      const item = decodeItem(r.record);
      if (item) items.push(item);
      else unreadable.push(r.record);
    }
    const started = o.clock.now();
    try {
      await o.deliver(items);
      if (unreadable.length > 0) await o.deadLetterUnreadable(unreadable);
      o.buffer.ack(chunk[chunk.length - 1].seq);
      drained += chunk.length;
      failures = 0;
      o.onDelivered();
    } catch (err) {
      o.onFailed(err, chunk.length);
      failures++;
      const delay = backoffDelayMs(o.retry, failures);
      if (await (o.isAway(err) ? pauseUntilBack(delay, o) : pause(delay, o))) o.onRetry();
      continue;
    }
    // Rate limit: a chunk of n records takes at least n / rate seconds.
    await pause((chunk.length * 1000) / o.config.drain_rate_per_sec - (o.clock.now() - started), o);
  }
}

/** Waits up to `ms`, probing each second; true when the time passed or the probe succeeded, false when aborted. */
async function pauseUntilBack(ms: number, o: DrainOptions): Promise<boolean> {
  for (let left = ms; left > 0; left -= PROBE_INTERVAL_MS) {
    if (!(await pause(Math.min(left, PROBE_INTERVAL_MS), o))) return false;
    if (left > PROBE_INTERVAL_MS && (await o.probe())) return true;
  }
  return !o.signal.aborted;
}

/** Sleeps unless aborted; true when the full time passed, false when aborted (shutting down). */
function pause(ms: number, { signal, scheduler }: { signal: AbortSignal; scheduler: Scheduler }): Promise<boolean> {
  if (ms <= 0 || signal.aborted) return Promise.resolve(!signal.aborted);
  return new Promise((resolve) => {
    const onAbort = () => {
      cancel();
      resolve(false);
    };
    const cancel = scheduler.after(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
