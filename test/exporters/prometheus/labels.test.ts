import { describe, expect, it } from 'vitest';
import { createLabelLimiter } from '../../../exporters/prometheus/label-limiter.ts';
import { createRateLimitGauges } from '../../../exporters/prometheus/rate-limit-gauges.ts';
import { PrometheusExporterConfig } from '../../../exporters/prometheus/config.ts';

describe('label limits', () => {
  it('keeps allow-listed values, admits the first max_values others, and reports the rest as "other"', () => {
    const limit = createLabelLimiter({ allow: ['gpt-4o'], max_values: 2 });
    expect(['a', 'gpt-4o', 'b', 'c', 'a', 'gpt-4o', 'd'].map(limit)).toEqual(['a', 'gpt-4o', 'b', 'other', 'a', 'gpt-4o', 'other']);
  });

  it('rejects a label that is not one of the LiteLLM-spelled optional labels (a user id can never be one)', () => {
    const r = PrometheusExporterConfig.safeParse({ labels: ['requested_model', 'user'] });
    expect(r.success).toBe(false);
  });
});

describe('rate-limit readings', () => {
  const rl = (remaining: number) => ({ remainingRequests: remaining, limitRequests: 100, remainingTokens: null, limitTokens: null });

  it('keeps the latest reading by event time, whatever the arrival order', () => {
    const g = createRateLimitGauges(60_000);
    g.record({ provider: 'openai' }, 2_000, rl(5));
    g.record({ provider: 'openai' }, 1_000, rl(90)); // late arrival of an older call
    expect(g.current()).toEqual([{ labels: { provider: 'openai', limit_type: 'requests' }, atMs: 2_000, remaining: 5, ratio: 0.05 }]);
  });

  it('keeps one reading per label set whether the same labels object or an equal one is passed', () => {
    const g = createRateLimitGauges(60_000);
    const openai = { provider: 'openai' };
    g.record(openai, 1_000, rl(90));
    g.record(openai, 2_000, rl(40));
    g.record({ provider: 'openai' }, 3_000, rl(5));
    g.record({ provider: 'anthropic' }, 3_000, rl(70));
    expect(g.current().map((r) => [r.labels, r.remaining])).toEqual([
      [{ provider: 'openai', limit_type: 'requests' }, 5],
      [{ provider: 'anthropic', limit_type: 'requests' }, 70],
    ]);
  });

  it('drops readings a window older than the latest call seen', () => {
    const g = createRateLimitGauges(60_000);
    g.record({ provider: 'anthropic' }, 0, rl(5));
    g.record({ provider: 'openai' }, 61_000, rl(50));
    expect(g.current().map((r) => r.labels.provider)).toEqual(['openai']);
  });
});
