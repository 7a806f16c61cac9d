// A Batch is what flows between components: typed lanes, each read by the steps that care.
// Later issues add lanes (deviations, clusters, predictions, impacts).
import type { OtlpLogRecord, OtlpSpan } from './otlp.ts';
import type { FailureEvent } from './failure-event.ts';
import type { IncidentUpdate } from './incident.ts';
import type { ContentEvent, TelemetryItem } from './llm-call.ts';

export interface Batch {
  /** Raw spans from receivers; normalize consumes them. */
  readonly spans: readonly OtlpSpan[];
  /** Raw log records from receivers (GenAI content events); normalize consumes them. */
  readonly logs: readonly OtlpLogRecord[];
  /** Normalized calls of every kind. */
  readonly calls: readonly TelemetryItem[];
  /** Content from log records not yet joined to its call (trace_assembler joins them). */
  readonly content: readonly ContentEvent[];
  /** Typed failures, from the classifier. */
  readonly events: readonly FailureEvent[];
  /** Incident lifecycle transitions, from the incidents processor. */
  readonly incidents: readonly IncidentUpdate[];
}

export function createBatch(lanes: Partial<Batch> = {}): Batch {
  return { spans: [], logs: [], calls: [], content: [], events: [], incidents: [], ...lanes };
}

/** Items across all lanes: what the pipeline counts in and out of each component. */
export function countItems(batch: Batch): number {
  return batch.spans.length + batch.logs.length + batch.calls.length + batch.content.length + batch.events.length + batch.incidents.length;
}

export function isEmptyBatch(batch: Batch): boolean {
  return countItems(batch) === 0;
}
