// Marks each LLM attempt with its place among the attempts of one gateway request, so later
// processors can tell a failed attempt that the gateway recovered from (retry or fallback) from
// a failure the client saw. Only calls under a gateway span, or sharing a LiteLLM call id, are
// attempts; sibling calls of an application span are separate requests and are left alone.
import type { LlmCall, TelemetryItem } from '../../agent/core/model/llm-call.ts';

export function markAttempts(items: TelemetryItem[]): TelemetryItem[] {
  const gateways = new Map<string, TelemetryItem>();
  for (const item of items) if (item.kind === 'gateway_request') gateways.set(item.source.spanId, item);

  const groups = new Map<string, LlmCall[]>();
  for (const item of items) {
    if (item.kind !== 'llm') continue;
    const key = gateways.has(item.source.parentSpanId) ? `parent:${item.source.parentSpanId}` : item.callId ? `call:${item.callId}` : null;
    if (!key) continue;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  if (groups.size === 0) return items;

  const marked = new Map<LlmCall, LlmCall>();
  for (const [key, group] of groups) {
    // A lone call sharing only its own call id tells us nothing about retries.
    if (key.startsWith('call:') && group.length < 2) continue;
    const attempts = [...group].sort((a, b) => a.timing.startMs - b.timing.startMs);
    const gateway = key.startsWith('parent:') ? gateways.get(key.slice(7)) : undefined;
    const requestOutcome = gateway ? gateway.outcome : attempts[attempts.length - 1].outcome;
    attempts.forEach((call, i) => {
      const recovery = call.outcome === 'error' ? attempts.slice(i + 1).find((a) => a.outcome === 'ok') : undefined;
      marked.set(call, {
        ...call,
        attempt: {
          number: i + 1,
          of: attempts.length,
          requestOutcome,
          recoveredBy: recovery?.source.spanId ?? null,
          recoveredByModel: recovery ? (recovery.responseModel ?? recovery.requestModel) : null,
        },
      });
    });
  }
  return items.map((item) => (item.kind === 'llm' ? (marked.get(item) ?? item) : item));
}
