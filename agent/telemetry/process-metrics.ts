// The agent process itself: memory, CPU, uptime and event-loop lag (otelcol_process_* in the
// Collector). Event-loop lag comes from perf_hooks' sampling histogram; it is published as a
// summary (see summary-families.ts): quantiles over the last completed window, sum and count
// cumulative. Wall-clock time is right here: this is about the process, not the data.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Meter } from '@opentelemetry/api';
import { processHeap } from '../core/heap-readings.ts';

/** Lag quantiles describe this much recent wall time. */
const LAG_WINDOW_MS = 10_000;
const LAG_QUANTILES = [0.5, 0.9, 0.99, 1] as const;

export interface ProcessMetrics {
  /** Stops the event-loop monitor. Safe twice. */
  stop(): void;
}

export function registerProcessMetrics(meter: Meter): ProcessMetrics {
  const startedAt = performance.now();
  meter
    .createObservableGauge('faultline_process_rss_bytes', { description: 'Resident set size of the agent process.', unit: 'By' })
    .addCallback((r) => r.observe(process.memoryUsage.rss()));
  meter
    .createObservableGauge('faultline_process_heap_used_bytes', {
      description: 'V8 heap in use (what receivers.otlp.memory_limit_mib is compared with).',
      unit: 'By',
    })
    .addCallback((r) => r.observe(process.memoryUsage().heapUsed));
  // heap_used counts garbage V8 has not collected yet (with a large heap limit, hundreds of MiB);
  // what is live shows just after a full collection, which admission also judges by.
  const heap = processHeap();
  meter
    .createObservableGauge('faultline_process_heap_live_bytes', {
      description: 'V8 heap in use just after the latest full garbage collection: the live data (heap_used also counts garbage).',
      unit: 'By',
    })
    .addCallback((r) => {
      const live = heap.afterFullGc();
      if (live !== null) r.observe(live);
    });
  meter
    .createObservableCounter('faultline_process_cpu_seconds_total', {
      description: 'CPU time (user + system) used by the agent process.',
      unit: 's',
    })
    .addCallback((r) => {
      const { user, system } = process.cpuUsage();
      r.observe((user + system) / 1e6);
    });
  meter
    .createObservableGauge('faultline_process_uptime_seconds', {
      description: 'Time since the agent process started its telemetry.',
      unit: 's',
    })
    .addCallback((r) => r.observe((performance.now() - startedAt) / 1000));

  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let window: { quantiles: number[] } | null = null;
  let sumSec = 0;
  let count = 0;
  const roll = () => {
    // perf_hooks reports nanoseconds; an empty window (no samples yet) reports NaN-free zeros.
    if (histogram.count > 0) {
      window = { quantiles: LAG_QUANTILES.map((q) => (q === 1 ? histogram.max : histogram.percentile(q * 100)) / 1e9) };
      sumSec += (histogram.mean * histogram.count) / 1e9;
      count += histogram.count;
    }
    histogram.reset();
  };
  const timer = setInterval(roll, LAG_WINDOW_MS);
  timer.unref();

  const lag = meter.createObservableGauge('faultline_event_loop_lag_seconds', {
    description: `Event-loop delay of the agent process, quantiles over the last ${LAG_WINDOW_MS / 1000} s window (quantile 1 is the maximum).`,
    unit: 's',
  });
  const lagSum = meter.createObservableGauge('faultline_event_loop_lag_seconds_sum', {
    description: 'Event-loop delay, summed over every sample.',
  });
  const lagCount = meter.createObservableGauge('faultline_event_loop_lag_seconds_count', {
    description: 'Event-loop delay samples taken.',
  });
  meter.addBatchObservableCallback(
    (r) => {
      // Before the first window closes, report what the current one has seen so far.
      const quantiles =
        window?.quantiles ??
        (histogram.count > 0 ? LAG_QUANTILES.map((q) => (q === 1 ? histogram.max : histogram.percentile(q * 100)) / 1e9) : null);
      if (!quantiles) return;
      LAG_QUANTILES.forEach((q, i) => r.observe(lag, quantiles[i], { quantile: String(q) }));
      r.observe(lagSum, sumSec + (window ? 0 : (histogram.mean * histogram.count) / 1e9));
      r.observe(lagCount, count + (window ? 0 : histogram.count));
    },
    [lag, lagSum, lagCount],
  );

  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      histogram.disable();
      heap.close();
    },
  };
}
