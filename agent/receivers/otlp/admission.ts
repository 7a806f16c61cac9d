// Memory high-water check done before a request body is read: while the V8 heap is above the
// configured mark the receiver refuses (retryable) instead of decoding more data into it, like
// the Collector's memory_limiter refusing at its soft limit.
import { RefusedError } from '../../core/errors.ts';

/** Heap usage is sampled at most this often; process.memoryUsage() is too costly per request. */
const SAMPLE_INTERVAL_MS = 100;
const RETRY_AFTER_SEC = 5;

const MIB = 1024 * 1024;
const DEFAULT_LIMIT_MIB = 1024;
/** Share of V8's heap limit the mark may reach: above the mark requests are refused, and V8 needs
 *  room past it for what is already in flight, or it aborts the process (out of heap). */
export const HEAP_LIMIT_SHARE = 0.8;

export interface MemoryLimit {
  /** The mark used, in MiB (0: off). */
  readonly mib: number;
  /** Set when the configured mark was above HEAP_LIMIT_SHARE of the heap limit and was lowered. */
  readonly loweredFrom: number | null;
}

/** The mark to use for `configured` (null: the default) under a V8 heap limit of `heapLimitBytes`. */
export function memoryLimit(configured: number | null, heapLimitBytes: number): MemoryLimit {
  if (configured === 0) return { mib: 0, loweredFrom: null };
  const ceiling = Math.floor((heapLimitBytes * HEAP_LIMIT_SHARE) / MIB);
  if (configured === null) return { mib: Math.min(DEFAULT_LIMIT_MIB, ceiling), loweredFrom: null };
  return configured > ceiling ? { mib: ceiling, loweredFrom: configured } : { mib: configured, loweredFrom: null };
}

export interface Admission {
  /** A RefusedError when the heap is over the mark, else null. */
  check(): RefusedError | null;
}

export function createAdmission(limitMib: number, heapUsedBytes: () => number = () => process.memoryUsage().heapUsed): Admission {
  if (limitMib === 0) return { check: () => null };
  const limitBytes = limitMib * MIB;
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
        `The agent's heap (${Math.round(heapBytes / MIB)} MiB) is above its limit of ${limitMib} MiB; retry later.`,
        'memory',
        RETRY_AFTER_SEC,
      );
    },
  };
}
