// Provider errors, whatever the provider: what the provider said first, then the class LiteLLM
// mapped it to, then the HTTP status. LiteLLM's status is its mapping's, not the provider's: a
// peer closing the stream arrives as APIConnectionError 500, an unparseable answer as APIError
// 500, Anthropic's 529 and Gemini's "high demand" 503 as InternalServerError/ServiceUnavailable,
// a Bedrock server error mid-stream as BadRequestError 400, an empty DeepSeek balance as 400 or
// 402, an xAI monthly cap as 403. So the message decides when it names the failure; the class when
// the message does not; the status only when neither does. The order inside the message tier
// matters where phrases meet: money before permission ("Access denied … account in good
// standing"), capacity before throttling (Vertex's RESOURCE_EXHAUSTED "out of capacity"),
// throttling before the wire ("stream disconnected … tokens per min"), a timeout before the
// connection it happened on.
import type { TelemetryItem } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { readErrorFacts, type ErrorFacts } from './error-facts.ts';
import { anyOf, classRule, codeRule, firstFinding, mapFinding, patternRule, statusRule, type Finding, type Rule } from './findings.ts';
import { matchPattern, retryAfterFromMessage } from './message-patterns.ts';
import { signalOf } from './signals.ts';

/** A wait the provider asks for that is this long or longer is an exhausted allowance, not throttling. */
const EXHAUSTED_RETRY_AFTER_SEC = 3_600;

const finding = (subtype: string, rule: string, confidence: number, method: Finding['method'] = 'message_pattern'): Finding => ({
  category: 'provider',
  subtype,
  method,
  confidence,
  rule,
});

/** Empty account, billing, spend/monthly cap, a daily quota, or a wait of an hour or more. */
export const quotaExhausted: Rule = anyOf(
  codeRule('quota_exhausted', ['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active', 'Arrearage']),
  patternRule('quota_exhausted', ['daily_quota', 'openai_quota', 'spend_limit']),
  (f) => {
    const wait = retryAfterFromMessage(f.text);
    return wait !== null && wait >= EXHAUSTED_RETRY_AFTER_SEC ? finding('quota_exhausted', 'retry_after:long', 0.85) : null;
  },
);

/** Throttled, with which limit was hit (tokens or requests per minute) when the message says. */
const withLimitScope = (rule: Rule): Rule =>
  mapFinding(rule, (found, facts) => {
    const scope = matchPattern(facts.text, ['tokens_per_minute', 'requests_per_minute']);
    return scope === null ? found : { ...found, evidence: { limit_scope: scope === 'tokens_per_minute' ? 'tpm' : 'rpm' } };
  });

export const rateLimitedByStatus = withLimitScope(statusRule('rate_limited', [429]));
export const rateLimitedByClass = withLimitScope(classRule('rate_limited', ['RateLimitError', 'ThrottlingException']));
export const rateLimitedByMessage = withLimitScope(patternRule('rate_limited', ['rate_limit']));

/** What the provider said, when it names the failure: decides whatever the class and status. */
const MESSAGE_RULES: readonly Rule[] = [
  quotaExhausted,
  patternRule('overloaded', ['overloaded']),
  rateLimitedByMessage,
  patternRule('context_overflow', ['context_overflow']),
  patternRule('safety_block', ['safety'], () => true, 'quality'),
  patternRule('bad_request', ['model_not_found']),
  patternRule('auth_error', ['auth']),
  patternRule('malformed_response', ['malformed_response']),
  patternRule('timeout', ['timeout']),
  patternRule('connection_error', ['connection']),
];

/** A server-side phrase ("502 Bad Gateway", "internalServerException") names an outage only when
 * no class says something more specific (LiteLLM's connection, bad-request and server classes are
 * where it puts what it could not map). */
const OUTAGE_MESSAGE = patternRule('outage', ['outage']);

/** Classes that name one failure, whatever LiteLLM's status for them. */
const SPECIFIC_CLASS_RULES: readonly Rule[] = [
  rateLimitedByClass,
  classRule('timeout', ['Timeout', 'APITimeoutError', 'APIConnectionTimeoutError', 'TimeoutError', 'ReadTimeout']),
  classRule('malformed_response', ['APIResponseValidationError', 'JSONSchemaValidationError', 'JSONDecodeError']),
  classRule('auth_error', ['AuthenticationError', 'PermissionDeniedError']),
  classRule('context_overflow', ['ContextWindowExceededError']),
  classRule('safety_block', ['ContentPolicyViolationError'], 'quality'),
];

/** Classes LiteLLM also uses for what it could not map: they decide only when nothing said more. */
const GENERIC_CLASS_RULES: readonly Rule[] = [
  classRule('connection_error', ['APIConnectionError', 'ConnectError', 'ConnectionError', 'RemoteProtocolError']),
  classRule('bad_request', ['BadRequestError', 'NotFoundError', 'UnprocessableEntityError', 'UnsupportedParamsError']),
  classRule('outage', ['InternalServerError', 'ServiceUnavailableError', 'BadGatewayError']),
];

/** The status, when nothing else said more. LiteLLM reports Anthropic's 529 as 500, so 529 is rare. */
const STATUS_RULES: readonly Rule[] = [
  rateLimitedByStatus,
  statusRule('quota_exhausted', [402]),
  statusRule('auth_error', [401, 403]),
  statusRule('timeout', [408, 504]),
  statusRule('overloaded', [498, 529]),
  statusRule('bad_request', (s) => s >= 400 && s <= 499),
  statusRule('outage', (s) => s >= 500 && s <= 599),
];

/** No rule explains it, but the span says the call failed: report that, at low confidence. */
const UNEXPLAINED: Finding = finding('unknown_error', 'status:error', 0.5, 'span_status');

const sameVerdict = (a: Finding | null, b: Finding): boolean => a !== null && a.category === b.category && a.subtype === b.subtype;

/**
 * The verdict from a failure's facts: the message when it names the failure, else a class that
 * names one, else a server phrase, else LiteLLM's catch-all classes, else the status. When the
 * status (or a catch-all class) says the same thing, that is the stronger evidence, and is reported.
 */
export function classifyProviderError(facts: ErrorFacts): Finding {
  const byStatus = firstFinding(STATUS_RULES, facts);
  const genericClass = firstFinding(GENERIC_CLASS_RULES, facts);
  const byMessage = firstFinding(MESSAGE_RULES, facts) ?? firstFinding(SPECIFIC_CLASS_RULES, facts) ?? OUTAGE_MESSAGE(facts);
  const decided = byMessage ?? genericClass;
  if (decided === null) return byStatus ?? UNEXPLAINED;
  return [byStatus, genericClass].find((f): f is Finding => sameVerdict(f, decided)) ?? decided;
}

/** The verdict on a failed call or embedding, from what its span says about the failure. */
export function detectProviderError(item: TelemetryItem): Signal[] {
  if (item.outcome !== 'error') return [];
  const facts: ErrorFacts = readErrorFacts(item.error);
  return [signalOf(item, facts, classifyProviderError(facts))];
}
