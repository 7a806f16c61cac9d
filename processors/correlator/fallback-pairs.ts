// Which model groups fall back to which, learned from traces: an attempt that failed on one
// provider/model followed, in the same client request, by an attempt on another. The fallback rule
// uses it to blame the primary's failure for what the fallback model then does (answers worse,
// costs more, runs into its own limits).
import type { FallbackPair } from '../../agent/core/model/correlation.ts';
import type { LlmCall, TelemetryItem } from '../../agent/core/model/llm-call.ts';

/** Pairs remembered at once; past it the least recently seen is forgotten. */
const MAX_PAIRS = 1_000;

export const modelRef = (provider: string, model: string | null): string => `${provider}/${model ?? ''}`;

export interface FallbackPairs {
  /** Learns the pairs the calls of one batch show (attempts of a request arrive together). */
  learn(calls: readonly TelemetryItem[]): void;
  /** Whether from fell back to to within the window before nowMs. */
  has(from: string, to: string, nowMs: number): boolean;
  /** The pairs from one of these model refs, seen within the window, for a cluster to keep. */
  from(refs: ReadonlySet<string>, nowMs: number): FallbackPair[];
  /** Pairs a restored cluster kept. */
  restore(pairs: readonly FallbackPair[]): void;
}

export function createFallbackPairs(windowMs: number): FallbackPairs {
  /** `from→to` → last seen, least recently seen first. */
  const seen = new Map<string, { from: string; to: string; lastMs: number }>();

  const note = (from: string, to: string, ms: number) => {
    const key = `${from}→${to}`;
    const prev = seen.get(key);
    if (prev && prev.lastMs >= ms) return;
    seen.delete(key);
    seen.set(key, { from, to, lastMs: ms });
    if (seen.size > MAX_PAIRS) seen.delete(seen.keys().next().value!);
  };

  return {
    learn(calls) {
      const byTrace = new Map<string, LlmCall[]>();
      for (const c of calls) {
        if (c.kind !== 'llm') continue;
        const list = byTrace.get(c.source.traceId);
        if (list) list.push(c);
        else byTrace.set(c.source.traceId, [c]);
      }
      for (const attempts of byTrace.values()) {
        if (attempts.length < 2) continue;
        attempts.sort((a, b) => (a.attempt?.number ?? 0) - (b.attempt?.number ?? 0) || a.timing.startMs - b.timing.startMs);
        for (let i = 1; i < attempts.length; i++) {
          const prev = attempts[i - 1];
          if (prev.outcome !== 'error') continue;
          const from = modelRef(prev.provider, prev.requestModel ?? prev.responseModel);
          const to = modelRef(attempts[i].provider, attempts[i].requestModel ?? attempts[i].responseModel);
          if (from !== to) note(from, to, attempts[i].timing.endMs);
        }
      }
    },
    has(from, to, nowMs) {
      const p = seen.get(`${from}→${to}`);
      return p !== undefined && p.lastMs + windowMs > nowMs;
    },
    from(refs, nowMs) {
      const out: FallbackPair[] = [];
      for (const p of seen.values())
        if (refs.has(p.from) && p.lastMs + windowMs > nowMs)
          out.push({ from: p.from, to: p.to, last_seen_at: new Date(p.lastMs).toISOString() });
      return out;
    },
    restore(pairs) {
      for (const p of pairs) note(p.from, p.to, Date.parse(p.last_seen_at));
    },
  };
}
