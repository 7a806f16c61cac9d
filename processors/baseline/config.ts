import { z } from 'zod';
import { count, factor, milliseconds, positiveNumber, ratio } from '../../config/units.ts';

export const KeyField = z.enum(['route', 'team']);
export type KeyField = z.infer<typeof KeyField>;

export const ModelClass = z.strictObject({
  class: z
    .string()
    .regex(/^[a-z][a-z0-9_-]*$/, { error: 'expected a lower-case class name, e.g. small' })
    .describe('The class name /api/v1/baselines/compare?model_class= selects.'),
  models: z
    .array(z.string().min(1))
    .min(1)
    .describe('Model names (requested model) in the class; "*" matches any run of characters, e.g. "*mini*".'),
});
export type ModelClass = z.infer<typeof ModelClass>;

const alpha = (what: string) =>
  z
    .number({ error: `expected a weight between 0 and 1 (${what})` })
    .gt(0, { error: `expected a weight between 0 and 1 (${what})` })
    .max(1, { error: `expected a weight between 0 and 1 (${what})` });

export const LatencyRule = z.strictObject({
  factor: factor('factor').default(2).describe('A deviation: the window p95 of successful calls above this multiple of the baseline p95.'),
  rearm_factor: factor('rearm_factor')
    .default(1.5)
    .describe('After a deviation, the window p95 must fall below this multiple of the baseline before the next one is reported.'),
  min_window_samples: count('calls').default(20).describe('Successful calls the window needs before its p95 is judged.'),
  min_slow_calls: count('calls')
    .default(5)
    .describe('Calls in the window slower than the threshold needed for a deviation, however few calls there are.'),
});

export const ErrorRateRule = z.strictObject({
  factor: factor('factor').default(2).describe('A deviation: the window error rate at least this multiple of the baseline rate…'),
  min_increase: ratio('min_increase').default(0.02).describe('…and at least this much above it (absolute, 0.02 = two points)…'),
  min_errors: count('errors').default(5).describe('…with at least this many failed calls in the window…'),
  p_value: ratio('p_value')
    .default(0.0001)
    .describe('…and a Poisson tail probability of that many errors at the baseline rate below this (count-aware: few calls prove little).'),
});

export const ThroughputRule = z.strictObject({
  drop_ratio: ratio('drop_ratio')
    .default(0.5)
    .describe('A deviation: the window output tokens per second (geometric mean) below this share of the baseline.'),
  min_output_tokens: count('tokens').default(16).describe('Calls with fewer output tokens than this are not used for tokens per second.'),
  min_window_samples: count('calls').default(20).describe('Calls the window needs before its tokens per second are judged.'),
});

export const SpendRule = z.strictObject({
  factor: factor('factor')
    .default(2)
    .describe('A token_spike: the window geometric mean of tokens (or cost) per request above this multiple of the baseline.'),
  min_window_samples: count('requests').default(20).describe('Requests the window needs before tokens and cost per request are judged.'),
});

export const StaticThresholds = z.strictObject({
  latency_p95_ms: positiveNumber('latency_p95_ms')
    .default(2_000)
    .describe(
      'The p95 assumed before any call is seen (shrinkage prior); until a profile is ready, the baseline p95 judged against is never below it.',
    ),
  error_rate: ratio('error_rate')
    .default(0.01)
    .describe('The error rate assumed before any call is seen; until a profile is ready, the baseline rate is never below it.'),
});

export const Zones = z.strictObject({
  latency_yellow: factor('latency_yellow').default(1.5).describe('Dashboard yellow zone: latency above this multiple of the baseline p95.'),
  latency_red: factor('latency_red').default(2).describe('Dashboard red zone: latency above this multiple of the baseline p95.'),
  error_rate_yellow: factor('error_rate_yellow')
    .default(2)
    .describe('Yellow zone: the error rate above this multiple of the baseline rate (and error_rate_margin above it).'),
  error_rate_red: factor('error_rate_red')
    .default(4)
    .describe('Red zone: the error rate above this multiple of the baseline rate (and 5 × error_rate_margin above it).'),
  error_rate_margin: ratio('error_rate_margin').default(0.01).describe('Least distance of the yellow zone from the baseline error rate.'),
});

const DEFAULT_CLASSES: ModelClass[] = [
  { class: 'embedding', models: ['*embed*'] },
  { class: 'reasoning', models: ['o1*', 'o3*', 'o4*', '*reasoner*', '*-r1*', '*thinking*'] },
  { class: 'small', models: ['*mini*', '*nano*', '*flash*', '*haiku*', '*lite*', '*small*', '*8b*', '*7b*'] },
  { class: 'large', models: ['*'] },
];

export const BaselineConfig = z
  .strictObject({
    key_by: z
      .array(KeyField)
      .default([])
      .refine((f) => new Set(f).size === f.length, 'list each field once')
      .describe('Fields that split a profile beyond provider and model: route, team (more keys, each learns slower).'),
    window_ms: milliseconds().default(180_000).describe('The window of event time whose figures are judged against the baseline.'),
    slice_ms: milliseconds()
      .default(30_000)
      .describe('The window moves in slices of this length; a slice joins the profile once it has left the window.'),
    max_window_samples: count('calls')
      .default(512)
      .describe('Latencies held per key for the window p95; a busy key judges its most recent calls.'),
    ready_samples: count('calls').default(1_000).describe('Calls a profile needs before the API calls it ready.'),
    min_samples: count('calls')
      .default(200)
      .describe('Calls a profile needs before deviations are judged on it (before ready_samples, the static thresholds are its floor).'),
    shrinkage_samples: count('calls')
      .default(20)
      .describe(
        'Prior weight, in calls, of each fallback: an hour-of-week slot with n calls has weight n/(n+this) against its hour of day, and so on down to the static thresholds.',
      ),
    decay: z
      .strictObject({
        hour_of_week: alpha('hour_of_week')
          .default(0.2)
          .describe('Weight of this week against the past in an hour-of-week slot (EWMA per week).'),
        hour_of_day: alpha('hour_of_day').default(0.3).describe('Weight of today against the past in an hour-of-day slot (EWMA per day).'),
        all_hours: alpha('all_hours')
          .default(0.5)
          .describe(
            'Weight of the last hour against the past in the all-hours level (EWMA per hour): the fallback for hours not seen yet, so it follows the last few hours.',
          ),
      })
      .default({ hour_of_week: 0.2, hour_of_day: 0.3, all_hours: 0.5 })
      .describe('How fast each level forgets.'),
    max_exclusion_ms: milliseconds()
      .default(3_600_000)
      .describe(
        'While a deviation lasts, its slices are kept out of the profile; after this long the profile learns again, so a lasting change becomes the new normal.',
      ),
    spread_multiple: positiveNumber('spread_multiple')
      .default(4)
      .describe(
        'Every deviation must also be this many learned spreads (mean absolute deviation of the window figure, in log space) from the baseline, so a noisy low-traffic key needs a larger jump than a factor alone.',
      ),
    latency: LatencyRule.default(LatencyRule.parse({})).describe('Latency deviations (provider/latency_degradation).'),
    error_rate: ErrorRateRule.default(ErrorRateRule.parse({})).describe('Error-rate deviations (provider/<the most frequent error>).'),
    throughput: ThroughputRule.default(ThroughputRule.parse({})).describe(
      'Output tokens per second falling (provider/latency_degradation, metric output_tokens_per_sec).',
    ),
    spend: SpendRule.default(SpendRule.parse({})).describe('Tokens and cost per request rising (cost/token_spike).'),
    static: StaticThresholds.default(StaticThresholds.parse({})).describe(
      'What is assumed before calls are seen, and the cold-start floor.',
    ),
    zones: Zones.default(Zones.parse({})).describe('Green/yellow/red zones derived from the baseline (API and dashboards).'),
    model_classes: z
      .array(ModelClass)
      .default(DEFAULT_CLASSES)
      .describe('Model classes for the provider comparison, first match wins; a model no class matches is in class "other".'),
    reminder_ms: milliseconds()
      .default(120_000)
      .describe(
        'While a deviation lasts, it is reported again (evidence continued: true) on the first call this long after its last report, so its incident stays open; keep it under processors.incidents.quiet_period_ms.',
      ),
    flush_interval_ms: milliseconds()
      .default(60_000)
      .describe('How often (event time) changed profiles go out on the baselines lane to be stored; they are restored at start.'),
    max_keys: count('keys')
      .default(1_000)
      .describe('Profiles held at once; past it the least recently seen is dropped (its stored row stays).'),
    restore: z
      .boolean()
      .default(true)
      .describe('Load stored profiles from the database at start, so a restart judges against the same history.'),
    scope: z
      .enum(['auto', 'agent', 'fleet'])
      .default('auto')
      .describe(
        'agent: learn from and judge against the calls this agent sees. fleet: each agent stores its own learning of a key as ' +
          "its part; the agent holding the fleet lease merges every agent's parts into one profile per key, which every agent " +
          'judges against and the API serves. auto: fleet when the agent runs with a database, agent otherwise (classify, replay).',
      ),
    merge_interval_ms: milliseconds()
      .default(60_000)
      .describe(
        'Fleet scope: how often the leader merges the parts changed since its last merge, and every agent reads the merged profiles back.',
      ),
    retire_after_ms: milliseconds()
      .default(600_000)
      .describe(
        "Fleet scope: an agent not seen (agent_instances) for this long has stopped; the leader folds its parts into the key's " +
          'retired part, so what it learned stays counted once.',
      ),
  })
  .superRefine((c, ctx) => {
    if (c.window_ms % c.slice_ms !== 0 || c.window_ms / c.slice_ms < 2)
      ctx.addIssue({
        code: 'custom',
        path: ['slice_ms'],
        message: `expected a slice that divides window_ms (${c.window_ms}) at least twice, got ${c.slice_ms}`,
      });
    if (c.min_samples > c.ready_samples)
      ctx.addIssue({
        code: 'custom',
        path: ['min_samples'],
        message: `expected at most ready_samples (${c.ready_samples}), got ${c.min_samples}`,
      });
    if (c.latency.rearm_factor > c.latency.factor)
      ctx.addIssue({
        code: 'custom',
        path: ['latency', 'rearm_factor'],
        message: `expected at most latency.factor (${c.latency.factor}), got ${c.latency.rearm_factor}`,
      });
    if (c.zones.latency_yellow > c.zones.latency_red)
      ctx.addIssue({ code: 'custom', path: ['zones', 'latency_yellow'], message: 'expected at most zones.latency_red' });
    if (c.zones.error_rate_yellow > c.zones.error_rate_red)
      ctx.addIssue({ code: 'custom', path: ['zones', 'error_rate_yellow'], message: 'expected at most zones.error_rate_red' });
  });
export type BaselineConfig = z.infer<typeof BaselineConfig>;
