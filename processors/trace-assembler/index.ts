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

    const release = async () => {
      const due = buffer.due(ctx.clock.now());
      if (due.length > 0) await ctx.emit(toBatch(due));
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

        const early: ReleasedTrace[] = [];
        for (const [traceId, g] of byTrace) early.push(...buffer.add(traceId, g.items, g.content, now));
        early.push(...buffer.due(now));
        const out = toBatch(early);
        return createBatch({ ...batch, calls: out.calls, content: out.content });
      },
      async shutdown() {
        if (stopped) return;
        stopped = true;
        cancelTimer?.();
        const rest = buffer.drain();
        if (rest.length > 0) await ctx.emit(toBatch(rest));
      },
    };
  },
});

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
