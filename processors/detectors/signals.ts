// Turning findings into Signals: evidence is the rule name plus the identifiers that decided it
// (status, class, code), never message text; fields are the category fields a detector knows.
import type { TelemetryItem } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { safeToken, type ErrorFacts } from './error-facts.ts';
import type { Finding } from './findings.ts';
import { retryAfterFromMessage } from './message-patterns.ts';

export function signalOf(item: TelemetryItem, facts: ErrorFacts, found: Finding): Signal {
  const evidence: Record<string, unknown> = { rule: found.rule };
  if (facts.status !== null) evidence.http_status = facts.status;
  const errorClass = safeToken(facts.classes[0] ?? null);
  if (errorClass !== null) evidence.error_class = errorClass;
  const code = safeToken(facts.code);
  if (code !== null && code !== String(facts.status)) evidence.error_code = code;
  const provider = safeToken(facts.providerReported);
  if (provider !== null) evidence.provider_reported = provider;
  Object.assign(evidence, found.evidence);
  return {
    category: found.category,
    subtype: found.subtype,
    detection_method: found.method,
    confidence: found.confidence,
    evidence,
    fields: { ...baseFields(item, facts, found), ...found.fields },
  };
}

function baseFields(item: TelemetryItem, facts: ErrorFacts, found: Finding): Signal['fields'] {
  switch (found.category) {
    case 'provider': {
      const fields: Signal['fields'] = {};
      if (facts.status !== null && facts.status >= 400 && facts.status <= 599) fields.http_status = facts.status;
      const retryAfter = (item.kind === 'llm' ? item.rateLimit?.retryAfterSec : null) ?? retryAfterFromMessage(facts.text);
      if (retryAfter !== null && retryAfter !== undefined) fields.retry_after_sec = retryAfter;
      const errorClass = safeToken(facts.classes[0] ?? null);
      if (errorClass !== null) fields.error_class = errorClass;
      return fields;
    }
    case 'quality':
      return { confidence: found.confidence };
    case 'security':
      return { threat_type: found.subtype, blocked: true, matched_pattern: found.rule, confidence: found.confidence };
    default:
      return {};
  }
}

/** New signals with `extra` added to each one's evidence (detector evidence wins on a clash). */
export function withEvidence(signals: readonly Signal[], extra: Record<string, unknown>): Signal[] {
  return signals.map((s) => ({ ...s, evidence: { ...extra, ...s.evidence } }));
}
