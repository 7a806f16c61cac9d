// The closed failure vocabulary: five categories, each with its subtypes. Extend only by adding
// subtypes, never a sixth category: routing, runbooks and dashboards key on the five.
import { z } from 'zod';

export const SUBTYPES = {
  security: ['prompt_injection', 'jailbreak', 'pii_leakage', 'secret_leakage', 'system_prompt_leak', 'unauthorized_model_access'],
  provider: [
    'rate_limited',
    'quota_exhausted',
    'overloaded',
    'outage',
    'no_healthy_deployment',
    'timeout',
    'connection_error',
    'auth_error',
    'malformed_response',
    'context_overflow',
    'bad_request',
    'latency_degradation',
    'rate_limit_headroom_low',
    // A failed call that carries nothing to say why (LiteLLM 2024 records only status ERROR):
    // still a failure an operator must see, rather than nothing.
    'unknown_error',
  ],
  cost: ['budget_exceeded', 'token_spike', 'spend_spike', 'cache_miss_storm', 'batch_cost_overrun', 'retry_storm', 'agent_loop'],
  quality: [
    'hallucination',
    'low_faithfulness',
    'format_violation',
    'language_drift',
    'refusal',
    'safety_block',
    // An answer looping on a phrase or sentence (a decoding failure: greedy sampling on a small
    // model, no repetition penalty, runaway generation). The text itself is broken, which no other
    // subtype says, and it is fixed elsewhere (sampling parameters, model choice), so it is ranked
    // before the truncation it often ends in.
    'degenerate_output',
    'truncation',
    'empty_response',
    // Output tokens reported far from the captured answer's size (reasoning tokens set aside): the
    // answer held is not the one billed, a stream or capture cut short or a usage report that is wrong.
    'token_count_mismatch',
    'regression',
  ],
  data: ['embedding_drift', 'retrieval_quality_drop', 'stale_index', 'ingestion_failure'],
} as const;

export type Category = keyof typeof SUBTYPES;
export type Subtype<C extends Category = Category> = (typeof SUBTYPES)[C][number];

/** Classification priority when several categories match one call: the first wins. */
export const CATEGORY_PRIORITY: readonly Category[] = ['security', 'provider', 'cost', 'quality', 'data'];

export const Category = z.enum(['security', 'provider', 'cost', 'quality', 'data']);
export const Severity = z.enum(['P1', 'P2', 'P3', 'P4']);
export type Severity = z.infer<typeof Severity>;

export const subtypeSchema = <C extends Category>(category: C) => z.enum(SUBTYPES[category] as unknown as [Subtype<C>, ...Subtype<C>[]]);

export function isSubtypeOf(category: Category, subtype: string): boolean {
  return (SUBTYPES[category] as readonly string[]).includes(subtype);
}
