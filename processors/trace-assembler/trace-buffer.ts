// Holds items per trace until the trace has been quiet for wait_ms of clock time. Memory is
// bounded by trace count and items per trace; going over releases early, never drops.
import type { ContentEvent, TelemetryItem } from '../../agent/core/model/llm-call.ts';

interface HeldTrace {
  items: TelemetryItem[];
  content: ContentEvent[];
  /** Clock time after which the trace is released. */
  releaseAtMs: number;
}

export interface ReleasedTrace {
  traceId: string;
  items: TelemetryItem[];
  content: ContentEvent[];
}

export interface TraceBufferLimits {
  waitMs: number;
  maxTraces: number;
  maxItemsPerTrace: number;
}

export class TraceBuffer {
  // Map iteration order is insertion order, so the first entry is the oldest trace.
  private readonly traces = new Map<string, HeldTrace>();

  constructor(private readonly limits: TraceBufferLimits) {}

  get size(): number {
    return this.traces.size;
  }

  /** Adds items; returns traces that must leave now because a limit was reached. */
  add(traceId: string, items: TelemetryItem[], content: ContentEvent[], nowMs: number): ReleasedTrace[] {
    const released: ReleasedTrace[] = [];
    let held = this.traces.get(traceId);
    if (!held) {
      if (this.traces.size >= this.limits.maxTraces) {
        const oldest = this.traces.keys().next().value as string;
        released.push(this.take(oldest));
      }
      held = { items: [], content: [], releaseAtMs: 0 };
      this.traces.set(traceId, held);
    }
    held.items.push(...items);
    held.content.push(...content);
    // The quiet period counts from the last arrival (clock time, which replay sets from span
    // time): exporters batch spans for seconds, so a span's own end time says little about when
    // its siblings will arrive.
    held.releaseAtMs = Math.max(held.releaseAtMs, nowMs + this.limits.waitMs);
    if (held.items.length + held.content.length >= this.limits.maxItemsPerTrace) released.push(this.take(traceId));
    return released;
  }

  /** Traces whose quiet period has passed. */
  due(nowMs: number): ReleasedTrace[] {
    const out: ReleasedTrace[] = [];
    for (const [traceId, held] of this.traces) if (held.releaseAtMs <= nowMs) out.push(this.take(traceId));
    return out;
  }

  drain(): ReleasedTrace[] {
    return [...this.traces.keys()].map((id) => this.take(id));
  }

  private take(traceId: string): ReleasedTrace {
    const held = this.traces.get(traceId)!;
    this.traces.delete(traceId);
    return { traceId, items: held.items, content: held.content };
  }
}
