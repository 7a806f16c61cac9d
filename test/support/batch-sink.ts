// A real in-memory consumer for receiver tests (the Collector's consumertest.TracesSink): it
// records every batch it accepts, and can be told to refuse or fail, or to hold batches until
// released, the way a pipeline under pressure does.
import type { Consumer } from '../../agent/core/component.ts';
import type { Batch } from '../../agent/core/model/batch.ts';
import type { OtlpLogRecord, OtlpSpan } from '../../agent/core/model/otlp.ts';

export interface BatchSink {
  /** Pass as `ctx.next`. */
  readonly next: Consumer;
  /** Every batch accepted, in order. */
  readonly batches: Batch[];
  /** Every span accepted, across batches. */
  spans(): OtlpSpan[];
  /** Every log record accepted, across batches. */
  logs(): OtlpLogRecord[];
  /** Until `accept()`, every call throws `err` (a RefusedError, or any error). */
  refuseWith(err: Error): void;
  accept(): void;
  /** Until `release()`, calls wait; resolves once a call is waiting. */
  hold(): Promise<void>;
  release(): void;
}

export function createBatchSink(): BatchSink {
  const batches: Batch[] = [];
  let refusal: Error | null = null;
  let gate: Promise<void> | null = null;
  let openGate: () => void = () => {};
  let onWaiting: () => void = () => {};

  return {
    batches,
    async next(batch) {
      if (refusal) throw refusal;
      if (gate) {
        onWaiting();
        await gate;
      }
      batches.push(batch);
    },
    spans: () => batches.flatMap((b) => b.spans),
    logs: () => batches.flatMap((b) => b.logs),
    refuseWith(err) {
      refusal = err;
    },
    accept() {
      refusal = null;
    },
    hold() {
      gate = new Promise((resolve) => (openGate = resolve));
      return new Promise((resolve) => (onWaiting = resolve));
    },
    release() {
      gate = null;
      openGate();
    },
  };
}
