// rate_limit_headroom_low: a successful call whose rate-limit headers say little is left. One
// signal per call, naming the scarcest dimension; every dimension's remaining/limit goes in
// evidence, so a responder sees whether requests or tokens run out first.
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';

export interface HeadroomDimension {
  /** Evidence key prefix: requests, tokens, input_tokens, output_tokens. */
  readonly name: string;
  readonly remaining: number | null;
  readonly limit: number | null;
}

export function headroomSignal(call: LlmCall, dimensions: readonly HeadroomDimension[], threshold: number, rule: string): Signal[] {
  if (call.outcome !== 'ok') return [];
  const evidence: Record<string, unknown> = { rule, threshold };
  let lowest: { name: string; ratio: number } | null = null;
  for (const d of dimensions) {
    if (d.remaining === null || d.limit === null || d.limit <= 0 || d.remaining < 0) continue;
    const ratio = d.remaining / d.limit;
    evidence[`${d.name}_remaining`] = d.remaining;
    evidence[`${d.name}_limit`] = d.limit;
    evidence[`${d.name}_ratio`] = Math.round(ratio * 10_000) / 10_000;
    if (lowest === null || ratio < lowest.ratio) lowest = { name: d.name, ratio };
  }
  if (lowest === null || lowest.ratio >= threshold) return [];
  evidence.scarcest = lowest.name;
  const fields: Signal['fields'] = {};
  const retryAfter = call.rateLimit?.retryAfterSec ?? null;
  if (retryAfter !== null) fields.retry_after_sec = retryAfter;
  return [
    { category: 'provider', subtype: 'rate_limit_headroom_low', detection_method: 'rate_limit_headers', confidence: 1, evidence, fields },
  ];
}
