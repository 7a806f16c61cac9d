// What a call says about its deployment's circuit: a success, a provider-side failure (the kinds a
// router counts against a deployment: rate limits, overload, outages, timeouts, connection and
// auth errors), a cooldown (the gateway itself reports the deployment unavailable), or nothing
// (a client-side error such as a bad request or a context overflow says nothing about the provider).
import type { LlmCall } from '../../agent/core/model/llm-call.ts';

const PROVIDER_FAILURES = new Set([
  'rate_limited',
  'quota_exhausted',
  'overloaded',
  'outage',
  'timeout',
  'connection_error',
  'auth_error',
  'malformed_response',
  'unknown_error',
]);
const COOLDOWN = /cooldown|cooling down|no deployments available/i;

export type CircuitOutcome = 'ok' | 'provider_failure' | 'cooldown' | 'other';

export function circuitOutcome(call: LlmCall): CircuitOutcome {
  if (call.outcome === 'ok') return 'ok';
  const subtypes = call.signals.filter((s) => s.category === 'provider').map((s) => s.subtype as string);
  if (subtypes.includes('no_healthy_deployment') || COOLDOWN.test(call.error?.message ?? '')) return 'cooldown';
  if (subtypes.some((s) => PROVIDER_FAILURES.has(s))) return 'provider_failure';
  if (subtypes.length > 0) return 'other';
  const status = call.error?.httpStatus ?? null;
  return status === null || status >= 500 || status === 429 || status === 408 ? 'provider_failure' : 'other';
}

/** A failure that says the provider is unwell (counted by the error-rate indicator): rate limits and quotas are their own failure. */
export function isServiceFailure(call: LlmCall, outcome: CircuitOutcome): boolean {
  if (outcome !== 'provider_failure' && outcome !== 'cooldown') return false;
  return !call.signals.some((s) => s.category === 'provider' && (s.subtype === 'rate_limited' || s.subtype === 'quota_exhausted'));
}
