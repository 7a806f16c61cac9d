// Generic: the fallback for every provider, from status code, error class and message (reference
// otel-genai §5.3 order). Statuses with one meaning decide first; then explicit class names; then
// message phrases, but only where the status does not already say otherwise; last, statuses that
// only say "client error" or "server error". Provider-family rules run before these.
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { readErrorFacts } from './error-facts.ts';
import {
  anyOf,
  classRule,
  firstFinding,
  patternRule,
  statusRule,
  statusUnknownOrClient,
  statusUnknownOrServer,
  type Finding,
  type Rule,
} from './findings.ts';
import { signalOf } from './signals.ts';

export const rateLimitedByStatus = statusRule('rate_limited', [429]);
export const rateLimitedByClass = classRule('rate_limited', ['RateLimitError', 'ThrottlingException']);
export const rateLimitedByMessage = patternRule('rate_limited', ['rate_limit']);
export const overloadedByStatus = statusRule('overloaded', [529]);
/** Anthropic's `overloaded_error` reaches us as a 500 InternalServerError (reference §4.2). */
export const overloadedByMessage = patternRule('overloaded', ['overloaded'], statusUnknownOrServer);

export const GENERIC_RULES: readonly Rule[] = [
  // Statuses with one meaning.
  rateLimitedByStatus,
  statusRule('timeout', [408, 504]),
  statusRule('auth_error', [401, 403]),
  overloadedByStatus,
  // Explicit classes (LiteLLM's, and the openai/anthropic SDKs').
  rateLimitedByClass,
  classRule('timeout', ['Timeout', 'APITimeoutError', 'APIConnectionTimeoutError', 'TimeoutError', 'ReadTimeout']),
  // LiteLLM maps network failures to APIConnectionError with status 500, so the class decides.
  classRule('connection_error', ['APIConnectionError', 'ConnectError', 'ConnectionError']),
  classRule('malformed_response', ['APIResponseValidationError', 'JSONSchemaValidationError']),
  classRule('auth_error', ['AuthenticationError', 'PermissionDeniedError']),
  // Message phrases.
  patternRule('context_overflow', ['context_overflow'], statusUnknownOrClient),
  overloadedByMessage,
  patternRule('timeout', ['timeout'], statusUnknownOrServer),
  patternRule('connection_error', ['connection'], statusUnknownOrServer),
  patternRule('malformed_response', ['malformed_response'], statusUnknownOrServer),
  rateLimitedByMessage,
  // What is left: the status class, or a class that only names it.
  statusRule('outage', (s) => s >= 500 && s <= 599),
  statusRule('bad_request', [400, 404, 413, 422]),
  anyOf(
    classRule('outage', ['InternalServerError', 'ServiceUnavailableError', 'BadGatewayError']),
    classRule('bad_request', ['BadRequestError', 'NotFoundError', 'UnprocessableEntityError']),
  ),
];

/** No rule explains it, but the span says the call failed: report that, at low confidence. */
const UNEXPLAINED: Finding = {
  category: 'provider',
  subtype: 'unknown_error',
  method: 'span_status',
  confidence: 0.5,
  rule: 'status:error',
};

export function detectGeneric(call: LlmCall): Signal[] {
  if (call.outcome !== 'error') return [];
  const facts = readErrorFacts(call.error);
  return [signalOf(call, facts, firstFinding(GENERIC_RULES, facts) ?? UNEXPLAINED)];
}
