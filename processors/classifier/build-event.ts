// The FailureEvent of one call, before validation: common fields from the call and its primary
// signal, category fields from the signal (then from call facts), nulls for what nobody knows.
// Evidence carries the primary signal's facts plus retries and attempt info; user ids and message
// text never enter it.
import {
  failureIdForSpan,
  failureIdForWindow,
  SCHEMA_VERSION,
  type ImpactScope,
  type SecondaryMatch,
} from '../../agent/core/model/failure-event.ts';
import type { TelemetryItem } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import type { CallFacts } from './call-facts.ts';

export interface EventDraft {
  readonly item: TelemetryItem;
  readonly facts: CallFacts;
  readonly primary: Signal;
  readonly secondary: SecondaryMatch[];
  readonly severity: Severity;
  readonly impact: ImpactScope;
  /** Why the severity differs from the subtype's base, if it does. */
  readonly severityEvidence: Record<string, unknown>;
}

export function draftFailureEvent(d: EventDraft): Record<string, unknown> {
  const { item, primary } = d;
  const { traceId, spanId } = item.source;
  // A window-level finding (no span carries it) gets a window id and lists its member spans.
  const window = primary.window;
  return {
    schema_version: SCHEMA_VERSION,
    failure_id: window
      ? failureIdForWindow(primary.category, primary.subtype, window.scope, window.start_ms)
      : failureIdForSpan(traceId, spanId, primary.category, primary.subtype),
    timestamp: new Date(d.facts.endMs).toISOString(),
    category: primary.category,
    subtype: primary.subtype,
    severity: d.severity,
    provider: d.facts.provider,
    model: d.facts.model,
    detection_method: primary.detection_method,
    evidence: { ...callEvidence(item), ...primary.evidence, confidence: primary.confidence, ...d.severityEvidence },
    impact_scope: d.impact,
    trace_id: window && traceId === '' ? null : traceId,
    span_id: window ? null : spanId,
    member_spans: window ? window.member_spans : [],
    secondary: d.secondary,
    ...categoryFields(primary, item),
  };
}

function categoryFields(s: Signal, item: TelemetryItem): Record<string, unknown> {
  const f = s.fields;
  switch (s.category) {
    case 'provider': {
      const status = item.error?.httpStatus ?? null;
      return {
        http_status: f.http_status ?? (status !== null && status >= 400 && status <= 599 ? status : null),
        retry_after_sec: f.retry_after_sec ?? (item.kind === 'llm' ? (item.rateLimit?.retryAfterSec ?? null) : null),
        error_class: f.error_class ?? safeClassName(item.error?.type ?? null),
      };
    }
    case 'quality':
      return { confidence: f.confidence ?? s.confidence };
    case 'cost': {
      const tokens = item.kind === 'llm' ? item.tokens : null;
      const cost = item.kind === 'llm' ? item.cost.totalUsd : null;
      return {
        input_tokens: f.input_tokens ?? positive(tokens?.input),
        output_tokens: f.output_tokens ?? positive(tokens?.output),
        total_tokens: f.total_tokens ?? positive(tokens?.total),
        cost_usd: f.cost_usd ?? (cost !== null && cost >= 0 ? cost : null),
        budget_usd: f.budget_usd ?? null,
        overage_usd: f.overage_usd ?? null,
      };
    }
    case 'security':
      return {
        threat_type: f.threat_type ?? s.subtype,
        blocked: f.blocked ?? false,
        matched_pattern: f.matched_pattern ?? null,
        confidence: f.confidence ?? s.confidence,
      };
    case 'data':
      return {
        drift_score: f.drift_score ?? null,
        collection: f.collection ?? ('dataSource' in item ? item.dataSource : null),
        documents_affected: f.documents_affected ?? null,
      };
  }
}

// Retries and attempt position: the facts a responder asks first ("did the gateway retry? did a
// fallback take over?"). Detector evidence wins where both say something.
function callEvidence(item: TelemetryItem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (item.kind === 'llm' || item.kind === 'gateway_request') {
    if (item.retry.retries !== null) out.retries = item.retry.retries;
    if (item.retry.maxRetries !== null) out.max_retries = item.retry.maxRetries;
    if (item.retry.fallbacks !== null) out.fallbacks = item.retry.fallbacks;
  }
  if (item.kind === 'llm' && item.attempt) {
    out.attempt = {
      number: item.attempt.number,
      of: item.attempt.of,
      request_outcome: item.attempt.requestOutcome,
      recovered: item.attempt.recoveredBy !== null,
      recovered_by_model: item.attempt.recoveredByModel,
    };
  }
  return out;
}

// Only something shaped like a class name; a free-text type could carry message content.
const safeClassName = (s: string | null): string | null => (s !== null && /^[A-Za-z_][A-Za-z0-9_.]{0,99}$/.test(s) ? s : null);

const positive = (n: number | null | undefined): number | null => (n !== null && n !== undefined && n > 0 ? n : null);
