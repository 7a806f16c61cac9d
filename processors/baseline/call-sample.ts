// What a profile learns from one LLM call: its outcome and, when it failed, its error type (the
// subtype of its provider finding, so rate_limited, overloaded, outage, timeout … are told
// apart); when it succeeded, its latency, time to first token, output tokens per second and
// whether a quality check flagged it; cost and tokens whatever the outcome. A figure the call does
// not have is NaN rather than null: a field that only ever holds numbers stays a double in place, so
// the one sample reused for every call allocates nothing (a field that also holds null boxes each number).
import type { LlmCall } from '../../agent/core/model/llm-call.ts';

export interface CallSample {
  endMs: number;
  ok: boolean;
  /** Duration of a successful call (ms); NaN for failed calls. */
  latencyMs: number;
  ttftMs: number;
  /** Output tokens per second of generation (after the first token when known). */
  tps: number;
  /** For failed calls: the provider finding's subtype, else "unknown_error". */
  errorType: string | null;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  qualityFailed: boolean;
}

export function emptySample(): CallSample {
  return {
    endMs: 0,
    ok: true,
    latencyMs: NaN,
    ttftMs: NaN,
    tps: NaN,
    errorType: null,
    costUsd: NaN,
    inputTokens: NaN,
    outputTokens: NaN,
    qualityFailed: false,
  };
}

/** Whether the call had the figure (a figure it lacks is NaN). */
export function isKnown(figure: number): boolean {
  return figure === figure;
}

/** Reads the call into `into` (reused across calls: nothing keeps a sample past one call). */
export function readSample(call: LlmCall, minOutputTokens: number, into: CallSample): CallSample {
  // Each nested object read once: on a busy key they are cache misses, and this runs for every call.
  const ok = call.outcome === 'ok';
  const timing = call.timing;
  const tokens = call.tokens;
  const durationMs = timing.durationMs;
  const timeToFirstTokenMs = timing.timeToFirstTokenMs;
  const ttft = timeToFirstTokenMs !== null && timeToFirstTokenMs > 0 && timeToFirstTokenMs <= durationMs ? timeToFirstTokenMs : NaN;
  const output = positive(tokens.output);
  const generatingMs = durationMs - (isKnown(ttft) ? ttft : 0);
  const cost = call.cost.totalUsd;
  const signals = call.signals;
  into.endMs = timing.endMs;
  into.ok = ok;
  into.latencyMs = ok && durationMs > 0 ? durationMs : NaN;
  into.ttftMs = ok ? ttft : NaN;
  into.tps = ok && isKnown(output) && output >= minOutputTokens && generatingMs > 0 ? (output * 1000) / generatingMs : NaN;
  into.errorType = ok ? null : errorTypeOf(signals);
  into.costUsd = cost !== null && cost > 0 && Number.isFinite(cost) ? cost : NaN;
  into.inputTokens = positive(tokens.input);
  into.outputTokens = output;
  into.qualityFailed = ok && signals.length > 0 && hasQualityFinding(signals);
  return into;
}

function hasQualityFinding(signals: LlmCall['signals']): boolean {
  for (let i = 0; i < signals.length; i++) if (signals[i].category === 'quality' && signals[i].window === undefined) return true;
  return false;
}

function errorTypeOf(signals: LlmCall['signals']): string {
  for (let i = 0; i < signals.length; i++)
    if (signals[i].category === 'provider' && signals[i].window === undefined) return signals[i].subtype;
  return 'unknown_error';
}

function positive(n: number | null): number {
  return n !== null && n > 0 && Number.isFinite(n) ? n : NaN;
}
