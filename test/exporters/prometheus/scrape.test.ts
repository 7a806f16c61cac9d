// Issue 7's unit acceptance: the prometheus exporter records a fixture batch through the agent's
// meter, and GET /metrics answers exactly these series with these values.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { createMetricsEndpoint, type MetricsEndpoint } from '../../../agent/telemetry/metrics-endpoint.ts';
import prometheus from '../../../exporters/prometheus/index.ts';
import { PrometheusExporterConfig } from '../../../exporters/prometheus/config.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { llmCall } from '../../support/llm-call-builder.ts';
import { parseScrape, type Sample } from './parse-scrape.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

function call(
  spanId: string,
  over: Partial<LlmCall> & { durationMs: number; provider?: string; model?: string; outcome?: 'ok' | 'error' },
): LlmCall {
  const { durationMs, provider, model, outcome, ...rest } = over;
  return { ...llmCall({ spanId, startMs: T0, endMs: T0 + durationMs, provider, model, outcome }), ...rest };
}

let endpoint: MetricsEndpoint;
let samples: Sample[];
let body: string;
let contentType: string | null;

beforeAll(async () => {
  endpoint = createMetricsEndpoint({ enabled: true, endpoint: '127.0.0.1:0' }, pino({ level: 'silent' }));
  await endpoint.start();
  const exporter = await prometheus.create(PrometheusExporterConfig.parse({ labels: ['requested_model', 'team'] }), {
    ...makeProcessorContext({ id: 'prometheus' }),
    meter: endpoint.meter,
  });
  const rateLimited = failureEvent(3, { subtype: 'rate_limited', severity: 'P3', http_status: 429 });
  await exporter.export(
    createBatch({
      calls: [
        call('00000000000000a1', {
          durationMs: 500,
          rateLimit: {
            limitRequests: 1000,
            remainingRequests: 50,
            resetRequests: null,
            limitTokens: 30000,
            remainingTokens: 20000,
            resetTokens: null,
            retryAfterSec: null,
            headers: {},
          },
        }),
        call('00000000000000a2', {
          durationMs: 2000,
          tokens: { input: 100, output: 400, total: 500, reasoning: null, cacheRead: null, cacheWrite: null },
          cost: { totalUsd: 0.02, inputUsd: null, outputUsd: null, breakdown: {} },
        }),
        // The failed call the rate_limited event is about (same span id).
        call(rateLimited.span_id!, {
          durationMs: 200,
          outcome: 'error',
          tokens: { input: null, output: null, total: null, reasoning: null, cacheRead: null, cacheWrite: null },
          cost: { totalUsd: null, inputUsd: null, outputUsd: null, breakdown: {} },
        }),
        call('00000000000000b1', {
          durationMs: 1000,
          provider: 'anthropic',
          model: 'claude-sonnet-4-5',
          modelGroup: 'claude',
          identity: { ...llmCall({ spanId: 'x' }).identity, team: 'ml', user: 'alice@example.com' },
        }),
      ],
      events: [rateLimited, failureEvent(4, { category: 'security', severity: 'P1' })],
    }),
  );
  const res = await fetch(`http://127.0.0.1:${endpoint.address()!.port}/metrics`);
  contentType = res.headers.get('content-type');
  body = await res.text();
  samples = parseScrape(body);
});

afterAll(() => endpoint?.shutdown());

const value = (name: string, labels: Record<string, string>) => {
  const hits = samples.filter((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels));
  expect(hits, `${name}${JSON.stringify(labels)}`).toHaveLength(1);
  return hits[0].value;
};

const openai = { provider: 'openai', requested_model: 'gpt-4o', team: 'team-42' };
const anthropic = { provider: 'anthropic', requested_model: 'claude', team: 'ml' };

describe('GET /metrics after a fixture batch', () => {
  it('answers Prometheus text 0.0.4 without otel scope labels or target_info', () => {
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(body).not.toContain('otel_scope');
    expect(body).not.toContain('target_info');
    expect(body).not.toContain('# UNIT');
  });

  it('exposes exactly these series', () => {
    const series = [...new Set(samples.map((s) => `${s.name}${JSON.stringify(s.labels)}`.replace(/,"le":"[^"]+"/, '')))].sort();
    expect(series).toEqual(
      [
        // No correlation cluster in this batch: every type at 0, so a dashboard shows 0 rather than nothing.
        ...['cascade', 'common_cause', 'campaign', 'temporal'].flatMap((t) => [
          `failure_correlation_clusters_active{"cluster_type":"${t}"}`,
          `failure_correlation_strength{"cluster_type":"${t}"}`,
        ]),
        `genai_failure_events_total{"category":"provider","subtype":"rate_limited","severity":"P3","provider":"openai","requested_model":"gpt-4o","team":"search"}`,
        `genai_failure_events_total{"category":"security","subtype":"prompt_injection","severity":"P1","provider":"openai","requested_model":"gpt-4o","team":"search"}`,
        ...histogram('gen_ai_client_operation_duration_seconds', [
          { ...openai, gen_ai_operation_name: 'chat' },
          { ...openai, gen_ai_operation_name: 'chat', error_type: 'rate_limited' },
          { ...anthropic, gen_ai_operation_name: 'chat' },
        ]),
        ...histogram('gen_ai_client_token_usage', [
          { ...openai, gen_ai_operation_name: 'chat', gen_ai_token_type: 'input' },
          { ...openai, gen_ai_operation_name: 'chat', gen_ai_token_type: 'output' },
          { ...anthropic, gen_ai_operation_name: 'chat', gen_ai_token_type: 'input' },
          { ...anthropic, gen_ai_operation_name: 'chat', gen_ai_token_type: 'output' },
        ]),
        `llm_provider_errors_total${JSON.stringify({ ...openai, error_type: 'rate_limited' })}`,
        `llm_provider_latency_seconds_count{"provider":"anthropic"}`,
        `llm_provider_latency_seconds_count{"provider":"openai"}`,
        `llm_provider_latency_seconds_sum{"provider":"anthropic"}`,
        `llm_provider_latency_seconds_sum{"provider":"openai"}`,
        ...['0.5', '0.95', '0.99'].flatMap((q) => [
          `llm_provider_latency_seconds{"provider":"anthropic","quantile":"${q}"}`,
          `llm_provider_latency_seconds{"provider":"openai","quantile":"${q}"}`,
        ]),
        `llm_provider_rate_limit_remaining${JSON.stringify({ ...openai, limit_type: 'requests' })}`,
        `llm_provider_rate_limit_remaining${JSON.stringify({ ...openai, limit_type: 'tokens' })}`,
        `llm_provider_rate_limit_remaining_ratio${JSON.stringify({ ...openai, limit_type: 'requests' })}`,
        `llm_provider_rate_limit_remaining_ratio${JSON.stringify({ ...openai, limit_type: 'tokens' })}`,
        `llm_provider_requests_total${JSON.stringify({ ...openai, outcome: 'ok' })}`,
        `llm_provider_requests_total${JSON.stringify({ ...openai, outcome: 'error' })}`,
        `llm_provider_requests_total${JSON.stringify({ ...anthropic, outcome: 'ok' })}`,
        ...histogram('llm_output_tokens_per_second', [openai, anthropic]),
        ...histogram('llm_request_cost_usd', [openai, anthropic]),
      ].sort(),
    );
  });

  it('counts requests, errors by failure subtype and failure events', () => {
    expect(value('llm_provider_requests_total', { ...openai, outcome: 'ok' })).toBe(2);
    expect(value('llm_provider_requests_total', { ...openai, outcome: 'error' })).toBe(1);
    expect(value('llm_provider_requests_total', { ...anthropic, outcome: 'ok' })).toBe(1);
    expect(value('llm_provider_errors_total', { ...openai, error_type: 'rate_limited' })).toBe(1);
    expect(
      value('genai_failure_events_total', {
        category: 'security',
        subtype: 'prompt_injection',
        severity: 'P1',
        provider: 'openai',
        requested_model: 'gpt-4o',
        team: 'search',
      }),
    ).toBe(1);
  });

  it("fills the GenAI duration histogram with the semantic conventions' advised buckets", () => {
    const ok = { ...openai, gen_ai_operation_name: 'chat' };
    const buckets = samples.filter(
      (s) =>
        s.name === 'gen_ai_client_operation_duration_seconds_bucket' && s.labels.error_type === undefined && s.labels.provider === 'openai',
    );
    expect(buckets.map((b) => `${b.labels.le}=${b.value}`)).toEqual([
      '0.01=0',
      '0.02=0',
      '0.04=0',
      '0.08=0',
      '0.16=0',
      '0.32=0',
      '0.64=1',
      '1.28=1',
      '2.56=2',
      '5.12=2',
      '10.24=2',
      '20.48=2',
      '40.96=2',
      '81.92=2',
      '+Inf=2',
    ]);
    expect(value('gen_ai_client_operation_duration_seconds_count', ok)).toBe(2);
    expect(value('gen_ai_client_operation_duration_seconds_sum', ok)).toBe(2.5);
    expect(value('gen_ai_client_operation_duration_seconds_sum', { ...ok, error_type: 'rate_limited' })).toBe(0.2);
    expect(value('gen_ai_client_token_usage_sum', { ...ok, gen_ai_token_type: 'input' })).toBe(112);
    expect(value('gen_ai_client_token_usage_sum', { ...ok, gen_ai_token_type: 'output' })).toBe(409);
    const tokenBounds = samples
      .filter(
        (s) => s.name === 'gen_ai_client_token_usage_bucket' && s.labels.provider === 'anthropic' && s.labels.gen_ai_token_type === 'input',
      )
      .map((b) => b.labels.le);
    expect(tokenBounds).toEqual([
      '1',
      '4',
      '16',
      '64',
      '256',
      '1024',
      '4096',
      '16384',
      '65536',
      '262144',
      '1048576',
      '4194304',
      '16777216',
      '67108864',
      '+Inf',
    ]);
  });

  it('reports cost per request and output tokens per second per provider and model', () => {
    expect(value('llm_request_cost_usd_count', openai)).toBe(2);
    expect(value('llm_request_cost_usd_sum', openai)).toBeCloseTo(0.02012, 10);
    // 9 tokens in 0.5 s and 400 in 2 s.
    expect(value('llm_output_tokens_per_second_sum', openai)).toBe(18 + 200);
    expect(value('llm_output_tokens_per_second_sum', anthropic)).toBe(9);
  });

  it('reports the latest rate-limit headers as remaining and remaining ratio', () => {
    expect(value('llm_provider_rate_limit_remaining', { ...openai, limit_type: 'requests' })).toBe(50);
    expect(value('llm_provider_rate_limit_remaining', { ...openai, limit_type: 'tokens' })).toBe(20000);
    expect(value('llm_provider_rate_limit_remaining_ratio', { ...openai, limit_type: 'requests' })).toBe(0.05);
    expect(value('llm_provider_rate_limit_remaining_ratio', { ...openai, limit_type: 'tokens' })).toBeCloseTo(2 / 3, 12);
  });

  it('publishes latency quantiles of successful calls as a Prometheus summary, within the sketch accuracy', () => {
    expect(body).toContain('# TYPE llm_provider_latency_seconds summary');
    // openai's successful calls took 0.5 s and 2 s; the failed 0.2 s call is not latency.
    expect(value('llm_provider_latency_seconds', { provider: 'openai', quantile: '0.5' })).toBeCloseTo(0.5, 2);
    expect(value('llm_provider_latency_seconds', { provider: 'openai', quantile: '0.99' })).toBeCloseTo(2, 1);
    expect(Math.abs(value('llm_provider_latency_seconds', { provider: 'openai', quantile: '0.99' }) - 2) / 2).toBeLessThanOrEqual(0.01);
    expect(value('llm_provider_latency_seconds_count', { provider: 'openai' })).toBe(2);
    expect(value('llm_provider_latency_seconds_sum', { provider: 'openai' })).toBe(2.5);
  });

  it('never turns a user id into a label value', () => {
    expect(body).not.toContain('alice');
  });
});

function histogram(name: string, series: Record<string, string>[]): string[] {
  return series.flatMap((labels) => [
    `${name}_bucket${JSON.stringify(labels)}`,
    `${name}_count${JSON.stringify(labels)}`,
    `${name}_sum${JSON.stringify(labels)}`,
  ]);
}
