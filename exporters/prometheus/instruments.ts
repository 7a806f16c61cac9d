// The GenAI instruments, created once per exporter on ctx.meter. Names are the Prometheus names
// as scraped (the endpoint adds no unit suffixes; counters already end in _total). Histogram
// buckets are the OpenTelemetry GenAI semantic conventions' advised boundaries.
import type { Meter } from '@opentelemetry/api';

// gen_ai.client.operation.duration (s) and gen_ai.client.token.usage ({token}), semconv ≤1.41.
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
export const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const COST_BUCKETS = [0.00001, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
export const THROUGHPUT_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000];

export function createGenAiInstruments(meter: Meter) {
  return {
    requests: meter.createCounter('llm_provider_requests_total', {
      description: 'LLM and embedding calls (each attempt), by outcome (ok or error).',
    }),
    errors: meter.createCounter('llm_provider_errors_total', {
      description: 'Failed calls, by error_type: the failure subtype (rate_limited, overloaded, timeout, …).',
    }),
    failures: meter.createCounter('genai_failure_events_total', {
      description: 'FailureEvents produced by the classifier, by category, subtype, severity and provider.',
    }),
    duration: meter.createHistogram('gen_ai_client_operation_duration_seconds', {
      description: 'gen_ai.client.operation.duration: call duration; error_type is set on failed calls.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    tokens: meter.createHistogram('gen_ai_client_token_usage', {
      description: 'gen_ai.client.token.usage: tokens per call, by gen_ai_token_type (input or output).',
      unit: '{token}',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    cost: meter.createHistogram('llm_request_cost_usd', {
      description:
        'Cost of one call in USD as the gateway reported it; _sum is the spend. outcome: ok (a first attempt that answered), failed, retried or fallback (an answer after a failed attempt).',
      advice: { explicitBucketBoundaries: COST_BUCKETS },
    }),
    throughput: meter.createHistogram('llm_output_tokens_per_second', {
      description: 'Output tokens per second of call duration, per call with output tokens.',
      advice: { explicitBucketBoundaries: THROUGHPUT_BUCKETS },
    }),
    remaining: meter.createObservableGauge('llm_provider_rate_limit_remaining', {
      description: 'Requests or tokens (limit_type) left in the provider rate limit, from the latest call’s headers in the latency window.',
    }),
    remainingRatio: meter.createObservableGauge('llm_provider_rate_limit_remaining_ratio', {
      description: 'Remaining over limit (0..1) from the latest call’s rate-limit headers, when both were sent.',
    }),
    latency: meter.createObservableGauge('llm_provider_latency_seconds', {
      description: 'Latency quantiles (p50, p95, p99) of successful calls per provider over a sliding window of event time.',
      unit: 's',
    }),
    latencySum: meter.createObservableGauge('llm_provider_latency_seconds_sum', {
      description: 'Total duration of every successful call observed.',
    }),
    latencyCount: meter.createObservableGauge('llm_provider_latency_seconds_count', { description: 'Successful calls observed.' }),
    baselineLatency: meter.createObservableGauge('llm_provider_baseline_latency_seconds', {
      description:
        'Learned baseline latency quantiles (p50, p95, p99) of successful calls per provider and model, for the current hour of the week.',
      unit: 's',
    }),
    baselineErrorRatio: meter.createObservableGauge('llm_provider_baseline_error_ratio', {
      description: 'Learned baseline error rate (0..1) per provider and model, for the current hour of the week.',
    }),
    latencyZone: meter.createObservableGauge('llm_provider_latency_zone_seconds', {
      description:
        'Lower edge of the latency zone (yellow: 1.5 × the baseline p95, red: 2 × by default) per provider and model, for the current hour of the week.',
      unit: 's',
    }),
    errorRatioZone: meter.createObservableGauge('llm_provider_error_ratio_zone', {
      description:
        'Lower edge of the error-ratio zone (yellow: 2 × the baseline rate, red: 4 ×, each at least a margin above it) per provider and model.',
    }),
    deviationRatio: meter.createObservableGauge('llm_provider_deviation_ratio', {
      description:
        'Current window over learned baseline per provider, model and metric (latency_p95, error_rate, output_tokens_per_sec, tokens_per_request, cost_per_request); 1 is normal.',
    }),
  };
}
