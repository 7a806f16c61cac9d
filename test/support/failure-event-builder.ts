// Valid FailureEvents for tests of what consumes them (store, API, incidents, alerting). One per
// category with plausible fields; override anything. Ids are derived from `n` so they are distinct
// and deterministic.
import { createFailureEvent, failureIdForSpan, type FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { Category } from '../../agent/core/model/taxonomy.ts';

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);

const categoryFields: Record<Category, { subtype: string; fields: Record<string, unknown> }> = {
  provider: { subtype: 'outage', fields: { http_status: 503, retry_after_sec: null, error_class: 'ServiceUnavailableError' } },
  quality: { subtype: 'refusal', fields: { confidence: 0.8 } },
  cost: {
    subtype: 'token_spike',
    fields: { input_tokens: 12000, output_tokens: 800, total_tokens: 12800, cost_usd: 0.42, budget_usd: null, overage_usd: null },
  },
  security: {
    subtype: 'prompt_injection',
    fields: { threat_type: 'instruction_override', blocked: false, matched_pattern: 'ignore_previous_instructions', confidence: 0.9 },
  },
  data: { subtype: 'stale_index', fields: { drift_score: null, collection: 'docs', documents_affected: 3 } },
};

export function failureEvent(n: number, overrides: Record<string, unknown> = {}): FailureEvent {
  const category = (overrides.category as Category | undefined) ?? 'provider';
  const { subtype, fields } = categoryFields[category];
  const traceId = hex(n, 32);
  const spanId = hex(n, 16);
  const chosenSubtype = (overrides.subtype as string | undefined) ?? subtype;
  return createFailureEvent({
    schema_version: 1,
    failure_id: failureIdForSpan(traceId, spanId, category, chosenSubtype),
    timestamp: new Date(Date.UTC(2026, 10, 22, 8, 0, 0) + n * 1000).toISOString(),
    category,
    subtype: chosenSubtype,
    severity: 'P2',
    provider: 'openai',
    model: 'gpt-4o',
    detection_method: 'status_code',
    evidence: { status_code: 503 },
    impact_scope: { requests: 1, users: 1, teams: 1, team: 'search', route: '/v1/chat/completions', recovered: false },
    trace_id: traceId,
    span_id: spanId,
    member_spans: [],
    secondary: [],
    ...fields,
    ...overrides,
  });
}
