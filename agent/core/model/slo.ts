// Service level objectives, OpenSLO-like: an SLI (which requests are events and which of them are
// bad), an objective over a rolling window of days, and filters. The slo processor evaluates them
// in event time and puts an SloUpdate on the `slos` lane: the status of each SLO at each evaluation
// (window error ratios, burn rates, budget left), the minute counts it adds (stored, so a restart
// resumes the window), and which failures consumed budget (the impact processor's SLA impact).
// `faultline slo rules` and the prometheus exporter read the same definitions.
import { z } from 'zod';
import type { Category } from './taxonomy.ts';

const positive = (what: string) =>
  z.number({ error: `expected a positive number (${what})` }).positive({ error: `expected a positive number (${what})` });
const names = (what: string) => z.array(z.string().min(1)).default([]).describe(`Only requests of these ${what}; empty: all.`);

export const SliSpec = z.discriminatedUnion('kind', [
  z
    .strictObject({
      kind: z.literal('availability'),
      count_client_errors: z
        .boolean()
        .default(false)
        .describe(
          'Count requests refused for the client’s own reason (HTTP 4xx other than 408 and 429: bad request, budget, guardrail) as bad; by default they are no events at all.',
        ),
    })
    .describe('Requests that got an answer, retries and fallbacks included, among the requests served (category provider).'),
  z
    .strictObject({
      kind: z.literal('goodput'),
      ttft_ms: positive('milliseconds')
        .nullable()
        .default(2_000)
        .describe('Time to first token target of streaming requests; null: not judged.'),
      tpot_ms: positive('milliseconds')
        .nullable()
        .default(100)
        .describe('Time per output token target of streaming requests (after the first token); null: not judged.'),
      latency_ms: positive('milliseconds')
        .nullable()
        .default(null)
        .describe('Whole-answer latency target of non-streaming requests (they have no first token of their own); null: not judged.'),
      quality: z.boolean().default(true).describe('A good request must also pass every quality check (no quality finding on its answer).'),
    })
    .describe('Requests answered within the token-timing targets and passing the quality checks (DistServe goodput; category provider).'),
  z
    .strictObject({
      kind: z.literal('latency'),
      threshold_ms: positive('milliseconds').describe('A request slower than this is bad; objective 0.95 makes it a p95 target.'),
    })
    .describe('Requests answered within a latency threshold (category provider).'),
  z
    .strictObject({ kind: z.literal('hallucination_rate') })
    .describe('Answers with no hallucination or unfaithfulness finding (category quality).'),
  z.strictObject({ kind: z.literal('refusal_rate') }).describe('Answers that are not refusals or safety blocks (category quality).'),
  z
    .strictObject({
      kind: z.literal('cost_per_answer'),
      max_usd: positive('USD').describe('Spend per successful answer above this, retries and fallbacks included, is over budget.'),
    })
    .describe(
      'Spend that bought a good answer within max_usd, among all spend (category cost): failed attempts, rejected answers and the part of an answer above max_usd are bad dollars.',
    ),
]);
export type SliSpec = z.infer<typeof SliSpec>;
export type SliKind = SliSpec['kind'];

/** The failure category an SLI belongs to: its slo_burn events and incidents are in it. */
export const SLI_CATEGORY: Record<SliKind, Category> = {
  availability: 'provider',
  goodput: 'provider',
  latency: 'provider',
  hallucination_rate: 'quality',
  refusal_rate: 'quality',
  cost_per_answer: 'cost',
};

export const SloFilters = z
  .strictObject({
    routes: names('gateway routes'),
    teams: names('teams (id or alias)'),
    models: names('requested models or model groups'),
    providers: names('providers (normalized: openai, anthropic, gcp.gemini…)'),
  })
  .default({ routes: [], teams: [], models: [], providers: [] })
  .describe('Which requests the SLO covers; filters combine with AND, values within one with OR.');
export type SloFilters = z.infer<typeof SloFilters>;

export const SloSpec = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: 'expected a lower-case name of letters, digits, - and _, e.g. chat-availability' })
    .describe('Unique name; the sloth_slo label and the slo_burn incident’s key.'),
  service: z
    .string()
    .regex(/^[a-zA-Z0-9_.-]{1,63}$/, { error: 'expected a service name of letters, digits, ., - and _' })
    .default('genai')
    .describe('The service the SLO belongs to (the sloth_service label).'),
  description: z.string().default('').describe('One line for dashboards and the API.'),
  sli: SliSpec,
  objective: z
    .number({ error: 'expected a ratio between 0 and 1, e.g. 0.995' })
    .gt(0, { error: 'expected a ratio between 0 and 1, e.g. 0.995' })
    .lt(1, { error: 'expected a ratio between 0 and 1, e.g. 0.995' })
    .describe('Target share of good events (or good dollars) over the window, e.g. 0.995.'),
  window_days: z
    .number({ error: 'expected a whole number of days, usually 28 or 30' })
    .int({ error: 'expected a whole number of days, usually 28 or 30' })
    .min(1, { error: 'expected a whole number of days from 1 to 90, usually 28 or 30' })
    .max(90, { error: 'expected a whole number of days from 1 to 90, usually 28 or 30' })
    .default(28)
    .describe('Rolling window the objective and the error budget are counted over.'),
  filters: SloFilters,
});
export type SloSpec = z.infer<typeof SloSpec>;

/** A burn-rate alert: both windows burning at least burn_rate times the sustainable rate. */
export const BurnAlertSpec = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, { error: 'expected a lower-case name, e.g. page-fast' }),
  severity: z.enum(['page', 'ticket']).describe('page: wake someone up; ticket: look at it in working hours.'),
  long_window_ms: z.number().int().positive().describe('The long window: how much budget must have burnt.'),
  short_window_ms: z.number().int().positive().describe('The short window (about 1/12 of the long one): is it still burning now.'),
  burn_rate: z.number().positive().describe('Burn rate both windows must reach: 1 spends the budget exactly over the SLO window.'),
  incident_severity: z.enum(['P1', 'P2', 'P3', 'P4']).describe('Severity of the slo_burn event and incident this alert opens.'),
});
export type BurnAlertSpec = z.infer<typeof BurnAlertSpec>;

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The SRE workbook's multi-window, multi-burn-rate alerts (2 % of the budget in 1 h, 5 % in 6 h page; 10 % in 3 d tickets). */
export const DEFAULT_BURN_ALERTS: readonly BurnAlertSpec[] = [
  { name: 'page-fast', severity: 'page', long_window_ms: HOUR, short_window_ms: 5 * MINUTE, burn_rate: 14.4, incident_severity: 'P1' },
  { name: 'page-slow', severity: 'page', long_window_ms: 6 * HOUR, short_window_ms: 30 * MINUTE, burn_rate: 6, incident_severity: 'P2' },
  { name: 'ticket', severity: 'ticket', long_window_ms: 72 * HOUR, short_window_ms: 6 * HOUR, burn_rate: 1, incident_severity: 'P3' },
];

/** Windows whose error ratio is published (Sloth's recording-rule windows); the SLO's own period is added. */
export const REPORTED_WINDOWS: readonly { label: string; ms: number }[] = [
  { label: '5m', ms: 5 * MINUTE },
  { label: '30m', ms: 30 * MINUTE },
  { label: '1h', ms: HOUR },
  { label: '2h', ms: 2 * HOUR },
  { label: '6h', ms: 6 * HOUR },
  { label: '1d', ms: 24 * HOUR },
  { label: '3d', ms: 72 * HOUR },
];

/** The Prometheus label of a window, as Sloth writes it (5m, 1h, 3d, 28d). */
export function windowLabel(ms: number): string {
  if (ms % (24 * HOUR) === 0) return `${ms / (24 * HOUR)}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  return `${Math.round(ms / 1000)}s`;
}

const ratio = z.number().nullable();
const nonNegative = z.number().nonnegative();

export const SloWindowStatus = z.strictObject({
  window: z.string().describe('5m, 30m, 1h, 2h, 6h, 1d, 3d or the SLO window (28d).'),
  total: nonNegative.describe('Events in the window (USD for cost_per_answer).'),
  bad: nonNegative,
  error_ratio: ratio.describe('bad / total; null with no events.'),
  burn_rate: ratio.describe('error_ratio / (1 − objective): 1 spends the budget exactly over the SLO window.'),
});
export type SloWindowStatus = z.infer<typeof SloWindowStatus>;

export const SloAlertStatus = z.strictObject({
  name: z.string(),
  severity: z.enum(['page', 'ticket']),
  long_window: z.string(),
  short_window: z.string(),
  threshold: z.number(),
  long_burn_rate: ratio,
  short_burn_rate: ratio,
  long_bad_requests: nonNegative.describe('Bad requests in the long window, judged against min_bad_events.'),
  firing: z.boolean(),
  since: z.iso.datetime({ offset: true }).nullable().describe('When it started firing (event time); null when it is not.'),
});
export type SloAlertStatus = z.infer<typeof SloAlertStatus>;

export const SloStatus = z.strictObject({
  at: z.iso.datetime({ offset: true }).describe('Event time of the evaluation.'),
  sli_value: ratio.describe('Good share over the SLO window (1 − error ratio); null with no events yet.'),
  period: SloWindowStatus,
  expected_period_total: nonNegative.describe(
    'Events the whole window is expected to hold (the observed rate over at least an hour, extrapolated): the budget is a share of it.',
  ),
  budget_events: nonNegative.describe('Bad events the window may hold: (1 − objective) × expected_period_total.'),
  budget_consumed: nonNegative.describe('Share of the window’s error budget spent so far (bad / budget_events).'),
  budget_remaining: z.number().describe('1 − budget_consumed; below 0 the SLO is breached.'),
  current_burn_rate: ratio.describe('Burn rate over the last 5 minutes.'),
  windows: z.array(SloWindowStatus),
  alerts: z.array(SloAlertStatus),
  cost_per_answer_usd: ratio.describe('Spend per successful answer over the SLO window; null without answers.'),
});
export type SloStatus = z.infer<typeof SloStatus>;

/** Counts of one minute of one SLO, as one agent saw them. */
export const SloBucket = z.strictObject({
  start: z.iso.datetime({ offset: true }),
  total: nonNegative,
  bad: nonNegative,
  bad_requests: nonNegative,
  answers: nonNegative,
  spend_usd: nonNegative,
});
export type SloBucket = z.infer<typeof SloBucket>;

/** A failure whose request was a bad event of the SLO: the budget it consumed. */
export const SloAttribution = z.strictObject({
  failure_id: z.string(),
  bad_events: nonNegative.describe('Bad events (USD for cost_per_answer) of the request the failure is about.'),
  budget_consumed: nonNegative.describe('bad_events / the window’s budget_events at the time.'),
});
export type SloAttribution = z.infer<typeof SloAttribution>;

export const SloUpdate = z.strictObject({
  slo: z.string().describe('The SLO name.'),
  service: z.string(),
  sli: z.string().describe('The SLI kind.'),
  category: z.string().describe('The SLI’s failure category.'),
  objective: z.number(),
  window_days: z.number().int().positive(),
  agent_instance: z.string().describe('The agent that counted it (minute counts are per agent; a fleet view sums them).'),
  at: z.iso.datetime({ offset: true }).describe('Event time of the update.'),
  status: SloStatus.nullable().describe('Set on evaluations; null on updates that only carry counts or attributions.'),
  buckets: z.array(SloBucket).describe('Minutes whose counts changed since the previous update (their whole counts).'),
  attributions: z.array(SloAttribution),
});
export type SloUpdate = z.infer<typeof SloUpdate>;

/** Metric names the prometheus exporter publishes per SLO and `faultline slo rules` reads. */
export const SLO_METRICS = {
  events: 'genai_slo_events_total',
  badEvents: 'genai_slo_bad_events_total',
  objective: 'genai_slo_objective_ratio',
  budgetRemaining: 'genai_slo_error_budget_remaining_ratio',
  burnRate: 'genai_slo_burn_rate',
  labels: { service: 'sloth_service', slo: 'sloth_slo', id: 'sloth_id', window: 'sloth_window' },
} as const;
