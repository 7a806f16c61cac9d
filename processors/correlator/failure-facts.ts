// What the correlator reads off a failure event and the call it came from: its kind and class, the
// team, route and API key it touched (the key only as a short hash), whether it is a window-level
// finding, and whether it happened on a retry or fallback attempt.
import { createHash } from 'node:crypto';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { LlmCall, TelemetryItem } from '../../agent/core/model/llm-call.ts';
import { classOf, TIER } from './failure-class.ts';
import { kindKey, type FailureFacts } from './kind-state.ts';

/** LLM calls of a batch by trace/span, so an event finds the call it is about. */
export function indexCalls(calls: readonly TelemetryItem[]): Map<string, LlmCall> {
  const out = new Map<string, LlmCall>();
  for (const c of calls) if (c.kind === 'llm') out.set(`${c.source.traceId}/${c.source.spanId}`, c);
  return out;
}

/** A call's API key as a short hash: enough to tell keys apart, nothing to use one with. */
export function keyRefOf(call: Pick<LlmCall, 'identity'>): string | null {
  const key = call.identity.keyHash ?? call.identity.keyAlias;
  return key ? createHash('sha256').update(key).digest('hex').slice(0, 12) : null;
}

export function factsOf(event: FailureEvent, calls: ReadonlyMap<string, LlmCall>): FailureFacts {
  const ms = Date.parse(event.timestamp);
  const call = event.span_id !== null && event.trace_id !== null ? calls.get(`${event.trace_id}/${event.span_id}`) : undefined;
  const attempt = call?.attempt?.number ?? attemptFromEvidence(event.evidence);
  const cls = classOf(event);
  const one = (value: string | null | undefined) => new Map(value ? [[value, 1]] : []);
  return {
    key: kindKey(event.category, event.subtype, event.provider, event.model),
    category: event.category,
    subtype: event.subtype,
    provider: event.provider,
    model: event.model,
    cls,
    tier: TIER[cls],
    count: 1,
    firstMs: ms,
    lastMs: ms,
    teams: one(event.impact_scope.team),
    routes: one(event.impact_scope.route),
    keys: one(call ? keyRefOf(call) : null),
    windowLevel: event.span_id === null ? 1 : 0,
    fallbackAttempts: event.span_id !== null && attempt !== null && attempt > 1 ? 1 : 0,
    failureId: event.failure_id,
    ms,
    traceId: event.trace_id,
    spanId: event.span_id,
    failedAttempt: call ? call.outcome === 'error' : event.category === 'provider' && !FOUND_ON_SUCCESS.has(event.subtype),
  };
}

/** Provider findings on calls that succeeded (slow, or close to the limit), when the call is not at hand. */
const FOUND_ON_SUCCESS = new Set(['latency_degradation', 'rate_limit_headroom_low']);

/** The classifier records the attempt in evidence; read it defensively, evidence is free-form. */
function attemptFromEvidence(evidence: Record<string, unknown>): number | null {
  const attempt = evidence.attempt;
  if (typeof attempt !== 'object' || attempt === null) return null;
  const n = (attempt as Record<string, unknown>).number;
  return typeof n === 'number' ? n : null;
}
