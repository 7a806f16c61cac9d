// The attempt after a failed one on the same request (same trace and parent span, the next
// number): the retry or fallback its failure caused. Found only for the failed attempts the
// batch's events are about, in one pass over its LLM calls.
import type { LlmCall } from '../../agent/core/model/llm-call.ts';

/** Each failed attempt's next attempt in the batch (the last one, when the batch holds several). */
export function nextAttempts(failed: readonly LlmCall[], llm: readonly LlmCall[]): Map<LlmCall, LlmCall> {
  const out = new Map<LlmCall, LlmCall>();
  if (failed.length === 0) return out;
  const byParent = new Map<string, LlmCall[]>();
  for (const f of failed) {
    const list = byParent.get(f.source.parentSpanId);
    if (list) list.push(f);
    else byParent.set(f.source.parentSpanId, [f]);
  }
  for (const c of llm) {
    if (!c.attempt) continue;
    const waiting = byParent.get(c.source.parentSpanId);
    if (!waiting) continue;
    for (const f of waiting) if (f.source.traceId === c.source.traceId && f.attempt!.number + 1 === c.attempt.number) out.set(f, c);
  }
  return out;
}
