// Memory high-water check done before a request body is read: while the V8 heap (plus the request
// bodies held) is above the configured mark, or the process's resident set has grown by more than
// the mark since the receiver started, the receiver refuses (retryable) instead of decoding more
// data into it, like the Collector's memory_limiter refusing at its soft limit.
import { RefusedError } from '../../core/errors.ts';
import { processHeap, type HeapReadings } from '../../core/heap-readings.ts';

export type { HeapReadings };

/** Heap usage is sampled at most this often; process.memoryUsage() is too costly per request. */
const SAMPLE_INTERVAL_MS = 100;
/**
 * Below this share of the mark in live heap (after the latest full GC) and bodies, resident memory
 * over the bound is garbage V8 has not collected yet or what the allocators kept from an earlier
 * peak, not data: refusing would not give it back, and would hold intake closed after the load has
 * gone. (Garbage is bounded by the heap limit, which the mark sits under.)
 */
const RETAINED_SHARE = 0.5;
/**
 * Resident memory is refused from this share of the mark on, leaving the rest for what grows
 * between two samples and for requests admitted just before (the Collector's memory_limiter keeps
 * the same 20 % spike allowance below its hard limit).
 */
const RSS_SOFT_SHARE = 0.8;
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
  /** Takes the resident set now (returned, in bytes) as the agent's size at start, which the mark bounds growth over. */
  begin(): number;
  /**
   * A RefusedError when the heap plus the request bodies held (plus `incomingBytes`, a new
   * request's announced size) is over the mark, else null. A lone request is always let in.
   */
  check(incomingBytes?: number): RefusedError | null;
  /** Counts body bytes a request now holds (received, or inflated from gzip), until released. */
  holdBody(bytes: number): void;
  releaseBody(bytes: number): void;
  /** Bytes of request bodies held now. */
  heldBodyBytes(): number;
  /** Stops watching the garbage collector. */
  close(): void;
}

export function createAdmission(limitMib: number, heap: HeapReadings = processHeap()): Admission {
  let bodies = 0;
  const counting = {
    holdBody(bytes: number) {
      bodies += bytes;
    },
    releaseBody(bytes: number) {
      bodies -= bytes;
    },
    heldBodyBytes: () => bodies,
  };
  if (limitMib === 0) {
    heap.close();
    return { begin: () => heap.rss(), check: () => null, ...counting, close() {} };
  }
  const limitBytes = limitMib * MIB;
  let sampledAt = -Infinity;
  let heapBytes = 0;
  let rssBytes = 0;
  let rssAtStart = heap.rss();
  return {
    begin() {
      rssAtStart = heap.rss();
      return rssAtStart;
    },
    // Request bodies are Buffers outside the V8 heap: under overload, connections read faster than
    // the pipeline decodes would otherwise grow the process's memory with the heap looking fine.
    check(incomingBytes = 0) {
      const now = performance.now();
      if (now - sampledAt >= SAMPLE_INTERVAL_MS) {
        heapBytes = heap.used();
        rssBytes = heap.rss();
        sampledAt = now;
      }
      const held = bodies > 0 ? bodies + incomingBytes : 0;
      const live = heap.afterFullGc();
      // Over the mark: if the latest full GC left the live heap under it, the rest is garbage
      // V8 will collect when it needs the room; a live heap over the mark shows at the next one.
      if (heapBytes + held > limitBytes && (live === null || live + held > limitBytes))
        return new RefusedError(
          `The agent's memory (${Math.round(((live ?? heapBytes) + held) / MIB)} MiB of heap and request bodies) is above its limit of ${limitMib} MiB; ` +
            'retry later.',
          'memory',
          RETRY_AFTER_SEC,
        );
      // Resident memory counts what the heap does not: worker threads' heaps, the young generation
      // V8 has committed, buffers and native allocations.
      const grown = rssBytes + (bodies > 0 ? incomingBytes : 0) - rssAtStart;
      if (grown > limitBytes * RSS_SOFT_SHARE && (live ?? heapBytes) + held > limitBytes * RETAINED_SHARE)
        return new RefusedError(
          `The agent's resident memory has grown by ${Math.round(grown / MIB)} MiB since it started, ` +
            `near its limit of ${limitMib} MiB (refused from ${RSS_SOFT_SHARE * 100}%); retry later.`,
          'memory',
          RETRY_AFTER_SEC,
        );
      return null;
    },
    ...counting,
    close: () => heap.close(),
  };
}
