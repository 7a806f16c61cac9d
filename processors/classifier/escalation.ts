// Escalation of sustained streams: events of one kind (category, subtype, provider, model) that
// keep arriving — at least minEvents of them over at least minDurationMs of event time, with no
// gap longer than maxGapMs — are escalated one level. The time is the events' own (span end),
// never the wall clock, so a replay escalates exactly as the live run did. State is one small
// record per kind, at most maxKinds of them (least recently seen forgotten first).

export interface EscalationOptions {
  readonly minEvents: number;
  readonly minDurationMs: number;
  readonly maxGapMs: number;
  readonly maxKinds: number;
}

interface Stream {
  firstMs: number;
  lastMs: number;
  events: number;
}

export interface Escalation {
  /** Counts one event of this kind at timeMs; true when its stream is now sustained. */
  observe(kind: string, timeMs: number): boolean;
  /** Kinds held (for tests and bounds). */
  size(): number;
}

export function createEscalation(options: EscalationOptions): Escalation {
  const streams = new Map<string, Stream>();
  return {
    observe(kind, timeMs) {
      let s = streams.get(kind);
      if (s) streams.delete(kind);
      if (!s || timeMs - s.lastMs > options.maxGapMs) s = { firstMs: timeMs, lastMs: timeMs, events: 0 };
      streams.set(kind, s);
      while (streams.size > options.maxKinds) streams.delete(streams.keys().next().value as string);

      s.events += 1;
      // A late event (earlier than the stream's start) widens it; one inside it changes nothing.
      s.firstMs = Math.min(s.firstMs, timeMs);
      s.lastMs = Math.max(s.lastMs, timeMs);
      return s.events >= options.minEvents && s.lastMs - s.firstMs >= options.minDurationMs;
    },
    size: () => streams.size,
  };
}
