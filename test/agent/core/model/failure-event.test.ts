import { describe, expect, it } from 'vitest';
import {
  createFailureEvent,
  failureEventJsonSchema,
  failureIdForSpan,
  InvalidFailureEventError,
  SCHEMA_VERSION,
} from '../../../../agent/core/model/failure-event.ts';
import { SUBTYPES } from '../../../../agent/core/model/taxonomy.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

const base = {
  schema_version: SCHEMA_VERSION,
  failure_id: failureIdForSpan(TRACE, SPAN, 'provider', 'rate_limited'),
  timestamp: '2026-01-01T00:00:01.500Z',
  severity: 'P3',
  provider: 'openai',
  model: 'gpt-4o',
  detection_method: 'status_code',
  evidence: { http_status: 429 },
  impact_scope: { requests: 1, users: 1, teams: 1, team: 'team-42', route: '/chat/completions', recovered: false },
  trace_id: TRACE,
  span_id: SPAN,
  member_spans: [],
  secondary: [],
};

const provider = {
  ...base,
  category: 'provider',
  subtype: 'rate_limited',
  http_status: 429,
  retry_after_sec: 1.5,
  error_class: 'RateLimitError',
};

function problems(input: unknown): string[] {
  try {
    createFailureEvent(input);
  } catch (err) {
    if (err instanceof InvalidFailureEventError) return err.problems;
    throw err;
  }
  throw new Error('expected the event to be rejected');
}

describe('FailureEvent', () => {
  it('accepts a valid provider failure', () => {
    expect(createFailureEvent(provider)).toMatchObject({ category: 'provider', subtype: 'rate_limited', http_status: 429 });
  });

  it('rejects a quality failure with confidence 1.5, naming the field', () => {
    expect(problems({ ...base, category: 'quality', subtype: 'hallucination', confidence: 1.5 })).toEqual([
      'confidence: Too big: expected number to be <=1',
    ]);
  });

  it('rejects a provider failure with HTTP status 200', () => {
    expect(problems({ ...provider, http_status: 200 })).toEqual(['http_status: expected an HTTP error status (400–599)']);
  });

  it('rejects a subtype from another category', () => {
    expect(problems({ ...provider, subtype: 'hallucination' })[0]).toMatch(/^subtype: .*"rate_limited"/);
  });

  it('rejects negative overage, zero token counts and a drift score above 1', () => {
    const cost = {
      ...base,
      category: 'cost',
      subtype: 'budget_exceeded',
      input_tokens: 0,
      output_tokens: null,
      total_tokens: null,
      cost_usd: 1,
      budget_usd: 1,
      overage_usd: -1,
    };
    expect(problems(cost)).toEqual([
      'input_tokens: Too small: expected number to be >0',
      'overage_usd: Too small: expected number to be >=0',
    ]);
    const data = { ...base, category: 'data', subtype: 'embedding_drift', drift_score: 1.2, collection: 'docs', documents_affected: 3 };
    expect(problems(data)).toEqual(['drift_score: Too big: expected number to be <=1']);
  });

  it('rejects unknown fields and a sixth category', () => {
    expect(problems({ ...provider, colour: 'red' })).toEqual(['colour: not a FailureEvent field']);
    expect(problems({ ...provider, category: 'vibes' })[0]).toMatch(/^category: /);
  });

  it('gives a re-delivered span the same id, and another subtype a different one', () => {
    expect(failureIdForSpan(TRACE, SPAN, 'provider', 'rate_limited')).toBe(failureIdForSpan(TRACE, SPAN, 'provider', 'rate_limited'));
    expect(failureIdForSpan(TRACE, SPAN, 'provider', 'rate_limited')).not.toBe(failureIdForSpan(TRACE, SPAN, 'provider', 'timeout'));
    expect(failureIdForSpan(TRACE, SPAN, 'provider', 'rate_limited')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('exports a JSON Schema of the union that lists every subtype', () => {
    const text = JSON.stringify(failureEventJsonSchema());
    for (const subtypes of Object.values(SUBTYPES)) for (const s of subtypes) expect(text).toContain(`"${s}"`);
    expect(failureEventJsonSchema()).toHaveProperty('oneOf');
  });
});
