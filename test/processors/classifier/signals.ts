// Hand-made detector signals for classifier tests.
import type { Signal } from '../../../agent/core/model/signal.ts';
import type { Category } from '../../../agent/core/model/taxonomy.ts';

export function signal(category: Category, subtype: string, overrides: Partial<Signal> = {}): Signal {
  return { category, subtype, detection_method: 'status_code', confidence: 1, evidence: {}, fields: {}, ...overrides };
}

export const rateLimited = (overrides: Partial<Signal> = {}) =>
  signal('provider', 'rate_limited', {
    fields: { http_status: 429, error_class: 'RateLimitError' },
    evidence: { status: 429 },
    ...overrides,
  });
export const serverError = () => signal('provider', 'outage', { fields: { http_status: 500 } });
export const injection = () =>
  signal('security', 'prompt_injection', {
    detection_method: 'guardrail',
    fields: { threat_type: 'prompt_injection', blocked: true, matched_pattern: 'lakera', confidence: 0.97 },
    confidence: 0.97,
  });
