// trace_assembler: holds normalized items of a trace briefly (wait_ms of event time) so later
// processors see an LLM attempt together with its sibling attempts and gateway parent. Expects
// normalize upstream; emits each trace's items together, content events joined to their calls
// and attempts marked. Other lanes pass straight through.
import { defineProcessor } from '../../agent/core/component.ts';
import { createBatch, type Batch } from '../../agent/core/model/batch.ts';
import type { ContentEvent, TelemetryItem } from '../../agent/core/model/llm-call.ts';
import { markAttempts } from './attempts.ts';
import { TraceAssemblerConfig } from './config.ts';
import { joinContent } from './join-content.ts';
import { TraceBuffer, type ReleasedTrace } from './trace-buffer.ts';

const RETRY_AFTER_SEC = 1;

export default defineProcessor({
  type: 'trace_assembler',
  description: 'Holds the items of a trace briefly so attempts are seen with their siblings and gateway parent.',
  configSchema: TraceAssemblerConfig,
  create(config, ctx) {
    const buffer = new TraceBuffer({
      waitMs: config.wait_ms,
      maxTraces: config.max_traces,
      maxItemsPerTrace: config.max_items_per_trace,
    });
    let cancelTimer: (() => void) | null = null;
    let stopped = false;
    /** Clock time the release under way started, or null. */
    let releasingSince: number | null = null;
    let holding = false;

    // Released traces go on in batches of at most max_batch_items, with a turn of the event loop
    // between them, so a second's worth of traffic never holds up the receivers' answers. A tick
    // that finds the previous release still going leaves the work to it; once one has gone on for
    // wait_ms, what follows cannot keep up and receivers refuse new data until it has caught up.
    const release = async () => {
      const now = ctx.clock.now();
      if (releasingSince !== null) {
        if (!holding && now - releasingSince >= config.wait_ms) {
          holding = true;
          ctx.backpressure.hold(
            ctx.id,
            `held traces are being released ${Math.round((now - releasingSince) / 1000)} s behind (the processors after it cannot keep up); retry shortly.`,
            RETRY_AFTER_SEC,
          );
        }
        return;
      }
      releasingSince = now;
      try {
        for (let due = buffer.due(now); due.length > 0; due = buffer.due(ctx.clock.now())) {
          for (const part of inBatches(due, config.max_batch_items)) {
            await ctx.emit(toBatch(part));
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        }
      } finally {
        releasingSince = null;
        if (holding) {
          holding = false;
          ctx.backpressure.release(ctx.id);
        }
      }
    };

    return {
      async start() {
        cancelTimer = ctx.scheduler.every(config.flush_interval_ms, release);
      },
      process(batch) {
        const now = ctx.clock.now();
        const byTrace = new Map<string, { items: TelemetryItem[]; content: ContentEvent[] }>();
        const group = (traceId: string) => {
          let g = byTrace.get(traceId);
          if (!g) byTrace.set(traceId, (g = { items: [], content: [] }));
          return g;
        };
        for (const item of batch.calls) group(item.source.traceId).items.push(item);
        for (const event of batch.content) group(event.traceId).content.push(event);

        // Traces due by now leave with this batch: at a steady rate each request takes the few
        // that fell due since the last one (and its answer waits for them, which slows senders
        // down when the processors after this one fall behind); the timer takes the rest.
        const early: ReleasedTrace[] = [];
        for (const [traceId, g] of byTrace) early.push(...buffer.add(traceId, g.items, g.content, now));
        if (releasingSince === null) early.push(...buffer.due(now));
        const out = toBatch(early);
        return createBatch({ ...batch, calls: out.calls, content: out.content });
      },
      async shutdown() {
        if (stopped) return;
        stopped = true;
        cancelTimer?.();
        if (holding) {
          holding = false;
          ctx.backpressure.release(ctx.id);
        }
        const rest = buffer.drain();
        if (rest.length > 0) await ctx.emit(toBatch(rest));
      },
    };
  },
});

/** Whole traces, in order, in groups of about `maxItems` items (a larger trace alone). */
function* inBatches(traces: readonly ReleasedTrace[], maxItems: number): Generator<ReleasedTrace[]> {
  let part: ReleasedTrace[] = [];
  let items = 0;
  for (const t of traces) {
    const n = t.items.length + t.content.length;
    if (part.length > 0 && items + n > maxItems) {
      yield part;
      part = [];
      items = 0;
    }
    part.push(t);
    items += n;
  }
  if (part.length > 0) yield part;
}

function toBatch(traces: ReleasedTrace[]): Batch {
  const calls: TelemetryItem[] = [];
  const content: ContentEvent[] = [];
  for (const t of traces) {
    const joined = joinContent(t.items, t.content);
    const ordered = markAttempts(joined.items).sort((a, b) => a.timing.startMs - b.timing.startMs);
    calls.push(...ordered);
    content.push(...joined.unjoined);
  }
  return createBatch({ calls, content });
}
