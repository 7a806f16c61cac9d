// Gemini and Vertex AI: RESOURCE_EXHAUSTED, "Quota exceeded" and "temporarily out of capacity"
// are throttling, unless the quota is per day or has a limit of 0, which waits out no retry
// (quota_exhausted); "The response was blocked." is a safety block; "Request payload size
// exceeds" is a context overflow. Safety finishes with status OK (SAFETY, blockReason, …) are
// the shared content_filter rule in safety-block.ts.
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { readErrorFacts } from './error-facts.ts';
import { firstFinding, patternRule, statusUnknownOrClient, type Finding, type Rule } from './findings.ts';
import { matchPattern, PATTERNS } from './message-patterns.ts';
import { signalOf } from './signals.ts';

const exhausted: Rule = (f) => {
  if (matchPattern(f.text, ['gemini_exhausted']) === null) return null;
  const daily = matchPattern(f.text, ['gemini_daily_quota']) !== null;
  if (daily)
    return {
      category: 'provider',
      subtype: 'quota_exhausted',
      method: 'message_pattern',
      confidence: PATTERNS.gemini_daily_quota.confidence,
      rule: 'pattern:gemini_daily_quota',
    };
  const found: Finding =
    f.status === 429
      ? { category: 'provider', subtype: 'rate_limited', method: 'status_code', confidence: 1, rule: 'status:429' }
      : {
          category: 'provider',
          subtype: 'rate_limited',
          method: 'message_pattern',
          confidence: PATTERNS.gemini_exhausted.confidence,
          rule: 'pattern:gemini_exhausted',
        };
  return found;
};

const GEMINI_RULES: readonly Rule[] = [
  exhausted,
  patternRule('safety_block', ['gemini_response_blocked'], statusUnknownOrClient, 'quality'),
  patternRule('context_overflow', ['gemini_payload_size'], statusUnknownOrClient),
];

export function detectGemini(call: LlmCall): Signal[] {
  if (call.outcome !== 'error') return [];
  const facts = readErrorFacts(call.error);
  const found = firstFinding(GEMINI_RULES, facts);
  return found === null ? [] : [signalOf(call, facts, found)];
}
