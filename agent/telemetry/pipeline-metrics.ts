// Self-telemetry from what the pipeline and receivers already count, under the Collector's names
// in a faultline_ namespace (otelcol_receiver_accepted_spans → faultline_receiver_accepted_spans_total,
// otelcol_processor_incoming_items → faultline_component_items_in_total, …). Observable: read at
// scrape time, so the hot path pays nothing for metrics.
import type { Meter, ObservableResult } from '@opentelemetry/api';
import type { Receiver } from '../core/component.ts';
import type { ComponentStats } from '../core/pipeline/stats.ts';
import { FAILURE_REASONS, type Transport } from '../core/receiver-stats.ts';

export interface PipelineMetricsSource {
  stats(): ComponentStats[];
  inflightItems(): number;
  receiver(id: string): Receiver | undefined;
}

const TRANSPORTS: readonly Transport[] = ['http', 'grpc'];

/** Where a component's `errors` happen; a receiver's request failures are counted by reason instead. */
const ERROR_STAGE: Partial<Record<ComponentStats['kind'], string>> = { processor: 'process', exporter: 'export' };

export function registerPipelineMetrics(meter: Meter, source: PipelineMetricsSource, receiverIds: readonly string[]): void {
  const counter = (name: string, description: string, unit?: string) => meter.createObservableCounter(name, { description, unit });

  const itemsIn = counter('faultline_component_items_in_total', 'Items (across all batch lanes) handed to a processor or exporter.');
  const itemsOut = counter(
    'faultline_component_items_out_total',
    'Items a processor passed on (returned or emitted later), or an exporter delivered.',
  );
  const errors = counter(
    'faultline_component_errors_total',
    'Failures of a component, by stage: process (a processor threw on a batch or part of one), export (an exporter failed a batch), timer (a timer callback threw; it keeps running).',
  );
  const busy = counter('faultline_component_duration_seconds_total', 'Time spent inside a processor or exporter.', 's');
  const batches = counter('faultline_component_batches_total', 'Batches handed to a processor or exporter.');
  meter.addBatchObservableCallback(
    (r) => {
      for (const s of source.stats()) {
        const labels = { kind: s.kind, component: s.id };
        r.observe(itemsIn, s.itemsIn, labels);
        r.observe(itemsOut, s.itemsOut, labels);
        const stage = ERROR_STAGE[s.kind];
        if (stage) r.observe(errors, s.errors, { ...labels, stage });
        r.observe(errors, s.timerErrors, { ...labels, stage: 'timer' });
        r.observe(busy, s.durationMs / 1000, labels);
        r.observe(batches, s.calls, labels);
      }
    },
    [itemsIn, itemsOut, errors, busy, batches],
  );

  meter
    .createObservableGauge('faultline_pipeline_inflight_items', {
      description: 'Items accepted by receivers and not yet through every pipeline (service.max_inflight_items caps it).',
    })
    .addCallback((r: ObservableResult) => r.observe(source.inflightItems()));

  const accepted = counter('faultline_receiver_accepted_spans_total', 'Spans a receiver handed to the pipeline.');
  const refused = counter(
    'faultline_receiver_refused_spans_total',
    'Decoded spans not delivered because the pipeline refused or failed the request (the sender was told to retry), by reason.',
  );
  const rejected = counter(
    'faultline_receiver_rejected_spans_total',
    'Unusable spans left out of an accepted request and reported in partial_success.',
  );
  const acceptedLogs = counter('faultline_receiver_accepted_log_records_total', 'Log records a receiver handed to the pipeline.');
  const refusedLogs = counter(
    'faultline_receiver_refused_log_records_total',
    'Decoded log records not delivered because the pipeline refused or failed the request, by reason.',
  );
  const requests = counter(
    'faultline_receiver_requests_total',
    'Export requests answered, by outcome: success, or the reason of the error answer.',
  );
  meter.addBatchObservableCallback(
    (r) => {
      for (const id of receiverIds) {
        const stats = source.receiver(id)?.stats?.();
        if (!stats) continue;
        for (const transport of TRANSPORTS) {
          const t = stats[transport];
          const labels = { receiver: id, transport };
          r.observe(accepted, t.spans.accepted, labels);
          r.observe(rejected, t.spans.rejected, labels);
          r.observe(acceptedLogs, t.logs.accepted, labels);
          r.observe(requests, t.requests.succeeded, { ...labels, outcome: 'success' });
          for (const reason of FAILURE_REASONS) {
            r.observe(refused, t.spans.refused[reason], { ...labels, reason });
            r.observe(refusedLogs, t.logs.refused[reason], { ...labels, reason });
            r.observe(requests, t.requests.failed[reason], { ...labels, outcome: reason });
          }
        }
      }
    },
    [accepted, refused, rejected, acceptedLogs, refusedLogs, requests],
  );
}
