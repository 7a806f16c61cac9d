// What the baseline processor puts on the `baselines` lane: per profile key (provider, model and
// the optional route/team split), the learned baseline for the current hour of the week, the
// current window's figures and their ratio to it, the hour aggregates that become rows of
// provider_baselines, and the profile itself (opaque bytes) so a restart resumes it.
import { z } from 'zod';

const maybe = z.number().nullable();
const nonNegative = z.number().nonnegative();

export const BaselineFigures = z.strictObject({
  latency_ms: z.strictObject({ p50: maybe, p95: maybe, p99: maybe }).describe('Successful calls.'),
  ttft_ms: z.strictObject({ p50: maybe, p95: maybe }).describe('Time to first token of streaming calls.'),
  output_tokens_per_sec: maybe,
  error_rate: z.strictObject({
    total: maybe,
    by_type: z.record(z.string(), nonNegative).describe('Share of calls failing with each error type.'),
  }),
  cost_per_request_usd: maybe,
  tokens_per_request: z.strictObject({ input: maybe, output: maybe }),
  quality_failure_rate: maybe.describe('Share of successful calls with a quality finding.'),
  zones: z.strictObject({
    latency_yellow_ms: maybe,
    latency_red_ms: maybe,
    error_rate_yellow: maybe,
    error_rate_red: maybe,
  }),
});
export type BaselineFigures = z.infer<typeof BaselineFigures>;

export const CurrentFigures = z.strictObject({
  window_ms: z.number().int().positive(),
  requests: z.number().int().nonnegative(),
  latency_p95_ms: maybe,
  error_rate: maybe,
  output_tokens_per_sec: maybe,
  cost_per_request_usd: maybe,
  tokens_per_request: maybe,
});
export type CurrentFigures = z.infer<typeof CurrentFigures>;

export const DEVIATION_METRICS = ['latency_p95', 'error_rate', 'output_tokens_per_sec', 'tokens_per_request', 'cost_per_request'] as const;
export type DeviationMetric = (typeof DEVIATION_METRICS)[number];

/** Sum and count of one figure over an hour (means merge across agents and hours by summing). */
const Total = z.strictObject({ count: z.number().nonnegative(), sum: z.number() });

export const HourAggregate = z.strictObject({
  hour_start: z.iso.datetime({ offset: true }),
  slot: z.number().int().min(0).max(167),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  errors_by_type: z.record(z.string(), z.number().int().nonnegative()),
  latency: Total.extend({ sketch: z.string().describe('Base64 log-bucket histogram of latencies (ms).') }),
  ttft: Total.extend({ sketch: z.string().nullable() }),
  output_tokens_per_sec: Total,
  cost_usd: Total,
  input_tokens: Total,
  output_tokens: Total,
  quality: z.strictObject({ checked: z.number().int().nonnegative(), failed: z.number().int().nonnegative() }),
});
export type HourAggregate = z.infer<typeof HourAggregate>;

export const BaselineSnapshot = z.strictObject({
  provider: z.string().min(1),
  model: z.string().describe("Requested model; '' when calls named none."),
  route: z.string().describe("'' unless profiles are split by route."),
  team: z.string().describe("'' unless profiles are split by team."),
  model_class: z.string(),
  at: z.iso.datetime({ offset: true }).describe('Event time of the snapshot.'),
  slot: z.number().int().min(0).max(167).describe('Hour of the week (0 = Monday 00:00 UTC) the baseline figures are for.'),
  samples: z.number().int().nonnegative().describe('Calls the profile has learned from.'),
  ready: z.boolean(),
  baseline: BaselineFigures,
  current: CurrentFigures,
  deviation: z.record(z.enum(DEVIATION_METRICS), z.number().nullable()).describe('Current window / baseline, per metric.'),
  hours: z.array(HourAggregate).describe('The hours this snapshot adds to or closes.'),
  open_episodes: z.record(z.string(), z.number()).describe('Deviations in progress: metric → start (ms).'),
  state: z.string().describe('Base64 profile, restored at start.'),
  part: z
    .boolean()
    .optional()
    .describe("True in a fleet: this agent's own learning of the key, stored as its part for the lease holder to merge."),
});
export type BaselineSnapshot = z.infer<typeof BaselineSnapshot>;

/** The natural key of a profile. */
export const baselineKey = (s: Pick<BaselineSnapshot, 'provider' | 'model' | 'route' | 'team'>): string =>
  `${s.provider}\u0000${s.model}\u0000${s.route}\u0000${s.team}`;
