// OpenAI family (OpenAI, Azure OpenAI, OpenAI-compatible): a 429 is either throttling (RPM/TPM,
// "Rate limit reached", rate_limit_exceeded) or an empty account (insufficient_quota, billing,
// spend limit), which no retry fixes; x-ratelimit-* headroom on successful calls. Every other
// OpenAI failure follows the HTTP semantics the generic rules encode (they are OpenAI's).
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import type { DetectorSettings } from './config.ts';
import { readErrorFacts } from './error-facts.ts';
import { anyOf, codeRule, firstFinding, mapFinding, patternRule, statusUnknownOrClient, type Rule } from './findings.ts';
import { rateLimitedByClass, rateLimitedByMessage, rateLimitedByStatus } from './generic.ts';
import { headroomSignal } from './headroom.ts';
import { matchPattern } from './message-patterns.ts';
import { signalOf } from './signals.ts';

export const quotaExhausted: Rule = anyOf(
  codeRule('quota_exhausted', ['insufficient_quota', 'billing_hard_limit_reached', 'billing_not_active']),
  patternRule('quota_exhausted', ['openai_quota', 'spend_limit'], statusUnknownOrClient),
);

/** Rate limited, with which limit was hit (tokens or requests per minute) when the message says. */
const rateLimited: Rule = mapFinding(anyOf(rateLimitedByStatus, rateLimitedByClass, rateLimitedByMessage), (found, facts) => {
  const scope = matchPattern(facts.text, ['tokens_per_minute', 'requests_per_minute']);
  return scope === null ? found : { ...found, evidence: { limit_scope: scope === 'tokens_per_minute' ? 'tpm' : 'rpm' } };
});

const OPENAI_RULES: readonly Rule[] = [quotaExhausted, rateLimited];

export function detectOpenAi(call: LlmCall, settings: DetectorSettings): Signal[] {
  if (call.outcome === 'error') {
    const facts = readErrorFacts(call.error);
    const found = firstFinding(OPENAI_RULES, facts);
    return found === null ? [] : [signalOf(call, facts, found)];
  }
  const rl = call.rateLimit;
  if (rl === null) return [];
  return headroomSignal(
    call,
    [
      { name: 'requests', remaining: rl.remainingRequests, limit: rl.limitRequests },
      { name: 'tokens', remaining: rl.remainingTokens, limit: rl.limitTokens },
    ],
    settings.headroomRatio,
    'headers:x-ratelimit',
  );
}
