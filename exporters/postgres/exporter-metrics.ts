// This exporter's self-telemetry (names fixed for the /metrics endpoint and the dashboards): the
// buffer's depth as observable gauges read at scrape time, delivery outcomes as counters.
import type { Meter, ObservableResult } from '@opentelemetry/api';
import type { SpillStats } from '../../agent/delivery/spill/index.ts';

export interface ExporterMetrics {
  sent(n: number): void;
  sendFailed(n: number): void;
  retried(): void;
  deadLettered(n: number): void;
  lost(n: number): void;
  /** Stops reporting the buffer gauges (shutdown). */
  close(): void;
}

export function createExporterMetrics(meter: Meter, exporter: string, bufferStats: () => SpillStats | null): ExporterMetrics {
  const labels = { exporter };
  const records = meter.createObservableGauge('faultline_buffer_records', { description: 'Records waiting in the spill buffer.' });
  const bytes = meter.createObservableGauge('faultline_buffer_bytes', {
    description: 'Bytes held by the spill buffer (record text plus per-record overhead).',
  });
  const oldestAge = meter.createObservableGauge('faultline_buffer_oldest_age_seconds', {
    description: 'Age of the oldest record in the spill buffer (0 when empty): how far behind delivery is.',
  });
  const lost = meter.createCounter('faultline_buffer_lost_records_total', {
    description: 'Records lost by the spill buffer: failed checksums, quarantined files, batches that found no room at shutdown.',
  });
  const sent = meter.createCounter('faultline_exporter_sent_items_total', {
    description: 'Items written to the destination (directly or drained from the buffer).',
  });
  const sendFailed = meter.createCounter('faultline_exporter_send_failed_items_total', {
    description: 'Items in a write attempt that failed for a retryable reason (they wait in the spill buffer and are retried).',
  });
  const retries = meter.createCounter('faultline_exporter_retries_total', {
    description: 'Write attempts made after a failed one (backoff retries while draining).',
  });
  const deadLettered = meter.createCounter('faultline_exporter_dead_lettered_items_total', {
    description: 'Items the destination refused for good, kept in dead_letters with the reason.',
  });
  // Exported at 0 from the start: increase() and rate() cannot see the increment that creates a
  // series, so without this the first loss or failure of an agent's life would never alert.
  for (const counter of [lost, sent, sendFailed, retries, deadLettered]) counter.add(0, labels);

  const observe = {
    records: (r: ObservableResult) => {
      const s = bufferStats();
      if (s) r.observe(s.records, labels);
    },
    bytes: (r: ObservableResult) => {
      const s = bufferStats();
      if (s) r.observe(s.bytes, labels);
    },
    oldestAge: (r: ObservableResult) => {
      const s = bufferStats();
      // wall clock: the age of data waiting on disk, not event time
      if (s) r.observe(s.oldestAppendedAtMs === null ? 0 : Math.max(0, (Date.now() - s.oldestAppendedAtMs) / 1000), labels);
    },
  };
  records.addCallback(observe.records);
  bytes.addCallback(observe.bytes);
  oldestAge.addCallback(observe.oldestAge);

  return {
    sent: (n) => n > 0 && sent.add(n, labels),
    sendFailed: (n) => n > 0 && sendFailed.add(n, labels),
    retried: () => retries.add(1, labels),
    deadLettered: (n) => n > 0 && deadLettered.add(n, labels),
    lost: (n) => n > 0 && lost.add(n, labels),
    close() {
      records.removeCallback(observe.records);
      bytes.removeCallback(observe.bytes);
      oldestAge.removeCallback(observe.oldestAge);
    },
  };
}
