// The V8 heap as admission and the process metrics read it: in use now, and in use just after the
// latest full (mark-compact) collection, the live data; and the process's resident set.
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** What the check reads about the heap; the receiver passes the process's own (processHeap()). */
export interface HeapReadings {
  /** Bytes in use now, garbage not yet collected included. */
  used(): number;
  /** Bytes in use just after the latest full (mark-compact) collection; null before the first. */
  afterFullGc(): number | null;
  /** The process's resident set, in bytes: everything the OS counts against it (every thread's heap, buffers, code). */
  rss(): number;
  close(): void;
}

/**
 * The process's heap: heapUsed, and heapUsed read when the latest full GC finished. heapUsed alone
 * counts garbage V8 has not yet collected (with a large heap limit it lets gigabytes accumulate),
 * and refusing on it would turn senders away while little of the heap is live.
 */
export function processHeap(): HeapReadings {
  let afterFullGc: number | null = null;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        afterFullGc = process.memoryUsage().heapUsed;
      }
    }
  });
  observer.observe({ type: 'gc' });
  return {
    used: () => process.memoryUsage().heapUsed,
    afterFullGc: () => afterFullGc,
    rss: () => process.memoryUsage.rss(),
    close: () => observer.disconnect(),
  };
}
