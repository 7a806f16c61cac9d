// Memory high-water check done before a request body is read: while the V8 heap is above the
// configured mark the receiver refuses (retryable) instead of decoding more data into it, like
// the Collector's memory_limiter refusing at its soft limit.
import { RefusedError } from '../../errors.ts';

/** Heap usage is sampled at most this often; process.memoryUsage() is too costly per request. */
const SAMPLE_INTERVAL_MS = 100;
const RETRY_AFTER_SEC = 5;

export interface Admission {
  /** A RefusedError when the heap is over the mark, else null. */
  check(): RefusedError | null;
}

export function createAdmission(limitMib: number, heapUsedBytes: () => number = () => process.memoryUsage().heapUsed): Admission {
  if (limitMib === 0) return { check: () => null };
  const limitBytes = limitMib * 1024 * 1024;
  let sampledAt = -Infinity;
  let heapBytes = 0;
  return {
    check() {
      const now = performance.now();
      if (now - sampledAt >= SAMPLE_INTERVAL_MS) {
        heapBytes = heapUsedBytes();
        sampledAt = now;
      }
      if (heapBytes <= limitBytes) return null;
      return new RefusedError(
        `The agent's heap (${Math.round(heapBytes / 1024 / 1024)} MiB) is above its limit of ${limitMib} MiB; retry later.`,
        'memory',
        RETRY_AFTER_SEC,
      );
    },
  };
}
