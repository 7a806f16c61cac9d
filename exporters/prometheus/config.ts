import { z } from 'zod';
import { milliseconds } from '../../config/units.ts';

/** Optional labels on per-call metrics, spelled as LiteLLM's Prometheus metrics spell them. */
export const OPTIONAL_LABELS = ['requested_model', 'model_id', 'api_base', 'api_provider', 'team'] as const;
export type OptionalLabel = (typeof OPTIONAL_LABELS)[number];

const limit = (maxValues: number, what: string) =>
  z
    .strictObject({
      allow: z.array(z.string()).default([]).describe(`${what} always kept as they are.`),
      max_values: z
        .number()
        .int()
        .nonnegative()
        .default(maxValues)
        .describe(`Other distinct ${what} kept, first seen first; past it they are reported as "other".`),
    })
    .default({ allow: [], max_values: maxValues })
    .describe(`Values of this label: an allow-list, then the first ${maxValues} others, then "other".`);

export const PrometheusExporterConfig = z.strictObject({
  labels: z
    .array(z.enum(OPTIONAL_LABELS))
    .default(['requested_model'])
    .describe(
      'Labels added to the per-call metrics besides provider: requested_model (LiteLLM model group, else the request model), model_id (deployment), api_base (scheme://host:port only), api_provider (the provider as the gateway named it), team. Failure events get requested_model and team when listed. A user id is never a label.',
    ),
  limits: z
    .strictObject({
      provider: limit(30, 'providers'),
      requested_model: limit(100, 'models'),
      model_id: limit(100, 'deployment ids'),
      api_base: limit(50, 'API bases'),
      api_provider: limit(30, 'gateway provider names'),
      team: limit(50, 'teams'),
    })
    .default({
      provider: { allow: [], max_values: 30 },
      requested_model: { allow: [], max_values: 100 },
      model_id: { allow: [], max_values: 100 },
      api_base: { allow: [], max_values: 50 },
      api_provider: { allow: [], max_values: 30 },
      team: { allow: [], max_values: 50 },
    })
    .describe('Cardinality bound per label: an allow-list plus the first max_values other values; the rest become "other".'),
  latency: z
    .strictObject({
      window_ms: milliseconds()
        .default(300_000)
        .describe('Sliding window of event time (call end times) for llm_provider_latency_seconds quantiles.'),
      slices: z
        .number()
        .int()
        .min(1)
        .max(60)
        .default(10)
        .describe('Sub-windows the window is cut into; the window advances one slice at a time.'),
      relative_accuracy: z
        .number()
        .gt(0)
        .lt(0.5)
        .default(0.01)
        .describe('Relative error of the quantile sketch (0.01: within 1% of a true sample).'),
    })
    .default({ window_ms: 300_000, slices: 10, relative_accuracy: 0.01 })
    .describe('Latency quantiles (p50, p95, p99) of successful calls per provider.'),
});
export type PrometheusExporterConfig = z.infer<typeof PrometheusExporterConfig>;
