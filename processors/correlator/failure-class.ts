// What role a kind of failure can play in a cascade. Each FailureEvent falls in one class; the class
// decides which causal rules may link it and its tier in root-cause ranking:
//   tier 0  state changes that nothing else in the system causes: an attack, a budget breach, a
//           provider going down, a model update, a data pipeline failing
//   tier 1  provider symptoms: slow, rate-limited or refused calls
//   tier 2  cost symptoms (and data drift): spend, tokens, retries
//   tier 3  quality symptoms: what a weaker, slower or attacked model answers
// A state change is never ranked as the symptom of a later tier.
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';

export type FailureClass =
  | 'attack'
  | 'budget'
  | 'model_update'
  | 'provider_down'
  | 'data_state'
  | 'provider_slow'
  | 'provider_limit'
  | 'request_error'
  | 'retry'
  | 'cost_surge'
  | 'data_drift'
  | 'quality';

export const TIER: Record<FailureClass, number> = {
  attack: 0,
  budget: 0,
  model_update: 0,
  provider_down: 0,
  data_state: 0,
  provider_slow: 1,
  provider_limit: 1,
  request_error: 1,
  retry: 2,
  cost_surge: 2,
  data_drift: 2,
  quality: 3,
};

export const TIER_NAMES = ['a state change', 'a provider symptom', 'a cost or data symptom', 'a quality symptom'] as const;

const BY_SUBTYPE: Record<string, FailureClass> = {
  'cost/budget_exceeded': 'budget',
  'provider/outage': 'provider_down',
  'provider/overloaded': 'provider_down',
  'provider/no_healthy_deployment': 'provider_down',
  'provider/connection_error': 'provider_down',
  'provider/auth_error': 'provider_down',
  'provider/quota_exhausted': 'provider_down',
  'provider/malformed_response': 'provider_down',
  'provider/unknown_error': 'provider_down',
  'provider/timeout': 'provider_slow',
  'provider/latency_degradation': 'provider_slow',
  'provider/rate_limited': 'provider_limit',
  'provider/rate_limit_headroom_low': 'provider_limit',
  'provider/context_overflow': 'request_error',
  'provider/bad_request': 'request_error',
  'cost/retry_storm': 'retry',
  'data/ingestion_failure': 'data_state',
  'data/stale_index': 'data_state',
  'data/embedding_drift': 'data_drift',
  'data/retrieval_quality_drop': 'data_drift',
};

/** A subtype this table does not know yet takes its category's usual role. */
const BY_CATEGORY: Record<FailureEvent['category'], FailureClass> = {
  security: 'attack',
  provider: 'provider_slow',
  cost: 'cost_surge',
  quality: 'quality',
  data: 'data_drift',
};

export function classOf(event: Pick<FailureEvent, 'category' | 'subtype' | 'evidence'>): FailureClass {
  if (event.category === 'quality' && event.subtype === 'regression' && isModelUpdate(event.evidence)) return 'model_update';
  return BY_SUBTYPE[`${event.category}/${event.subtype}`] ?? BY_CATEGORY[event.category];
}

/** The same failure kind named in a member list (category/subtype only), e.g. a secondary match. */
export function classOfKind(category: FailureEvent['category'], subtype: string): FailureClass {
  return BY_SUBTYPE[`${category}/${subtype}`] ?? BY_CATEGORY[category];
}

/**
 * A regression whose detector saw the provider start answering with another model version: the
 * model update is the change, the failure-rate rise its effect.
 */
function isModelUpdate(evidence: Record<string, unknown>): boolean {
  const before = evidence.response_model_before;
  const after = evidence.response_model_after;
  return typeof before === 'string' && typeof after === 'string' && before !== after;
}
