// The scenario file format (YAML): the traffic to simulate, the faults to inject into it, and the
// detections a replay must produce. Built-in scenarios (agent/tools/simulate/scenarios/) use the same
// format a user writes. Times are seconds from the scenario's start.
import { z } from 'zod';
import { Category, Severity } from '../../core/model/taxonomy.ts';

const secs = (what: string) =>
  z.number({ error: `expected a number of seconds (${what})` }).nonnegative({ error: `expected seconds >= 0 (${what})` });
const share = z.number().min(0, { error: 'expected a share between 0 and 1' }).max(1, { error: 'expected a share between 0 and 1' });

export const Engine = z.enum(['litellm', 'litellm_v2', 'otel_genai']);
export type Engine = z.infer<typeof Engine>;

const Match = z
  .strictObject({
    provider: z.string().optional().describe('Raw LiteLLM provider (openai, anthropic, gemini).'),
    model: z.string().optional().describe('Model group as the client asked for it.'),
    team: z.string().optional().describe('Team id.'),
  })
  .default({})
  .describe('Which requests a fault touches; empty matches all.');

const faultBase = {
  at_secs: secs('when the fault starts').default(0).describe('When the fault starts.'),
  until_secs: secs('when the fault ends').optional().describe('When it ends; omitted: at the end of the scenario.'),
  match: Match,
  share: share.default(1).describe('Share of matching requests (or attempts) affected.'),
};

export const ERROR_KINDS = [
  'outage',
  'rate_limited',
  'overloaded',
  'timeout',
  'quota_exhausted',
  'connection_error',
  'context_overflow',
] as const;

export const Fault = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('error'),
    ...faultBase,
    error: z.enum(ERROR_KINDS).describe('What the provider answers, in the shape LiteLLM reports it.'),
    max_attempts: z.number().int().positive().optional().describe('At most this many attempts fail; then the fault is spent.'),
  }),
  z.strictObject({
    kind: z.literal('latency_ramp'),
    ...faultBase,
    to_ms: z.number().positive().describe('Latency added at until_secs; it grows linearly from 0 at at_secs.'),
  }),
  z.strictObject({
    kind: z.literal('latency_scale'),
    ...faultBase,
    multiplier: z.number().positive().describe('Latency of affected calls as a multiple of what it would have been (a step, not a ramp).'),
  }),
  z.strictObject({
    kind: z.literal('latency_injection'),
    ...faultBase,
    min_ms: z.number().nonnegative().describe('Least latency added to an affected call.'),
    max_ms: z.number().positive().describe('Most latency added to an affected call.'),
  }),
  z.strictObject({
    kind: z.literal('volume'),
    ...faultBase,
    multiplier: z.number().min(1).describe('Request volume of the matching traffic, as a multiple of normal.'),
    ramp_secs: secs('ramp').default(0).describe('Seconds over which volume climbs from normal to the multiple.'),
  }),
  z.strictObject({
    kind: z.literal('safety_block'),
    ...faultBase,
  }),
  z.strictObject({
    kind: z.literal('response_corruption'),
    ...faultBase,
  }),
  z.strictObject({
    kind: z.literal('prompt_injection'),
    ...faultBase,
    guardrail_share: share
      .default(0)
      .describe('Share of injected requests a guardrail span intervenes on (and blocks), spread evenly over them.'),
    output_multiplier: z
      .number()
      .min(1)
      .default(1)
      .describe('Output tokens of injected requests, as a multiple of normal (cost inflation).'),
    degrade_quality: z.boolean().default(false).describe('Answers of injected requests go off topic and drop the context.'),
  }),
  z.strictObject({
    kind: z.literal('model_update'),
    ...faultBase,
    response_model: z.string().describe('The model version the provider silently starts answering with.'),
    hallucination_share: share.describe('Share of answers that state facts absent from the context after the update.'),
  }),
  z.strictObject({
    kind: z.literal('budget'),
    ...faultBase,
    team: z.string().describe('Team whose budget is breached.'),
    budget_usd: z.number().positive().describe("The team's max budget."),
    starting_spend_usd: z.number().nonnegative().describe('Spend already booked when the scenario starts.'),
    spend_multiplier: z
      .number()
      .min(1)
      .default(1)
      .describe("Cost of the team's requests as a multiple of normal (long prompts) while the fault is active."),
  }),
  z.strictObject({
    kind: z.literal('retrieval_drift'),
    ...faultBase,
    score_to: z
      .number()
      .min(0)
      .max(1)
      .describe('Mean top-document score at the end of the ramp (it falls linearly from normal), held until the fault ends.'),
    embedding_shift: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('How far query embeddings move from their usual centroid (0 none, 1 orthogonal), reached at the end of the ramp.'),
    ramp_secs: secs('ramp').optional().describe('Seconds over which scores and embeddings slide; omitted: until the fault ends.'),
  }),
  z.strictObject({
    kind: z.literal('stale_index'),
    ...faultBase,
    age_days: z.number().positive().describe('Age of every retrieved document once the index stops refreshing.'),
  }),
]);
export type Fault = z.infer<typeof Fault>;
export type FaultKind = Fault['kind'];

const multipliers = (n: number, what: string) =>
  z
    .array(z.number().positive({ error: 'expected a positive multiplier' }))
    .length(n, { error: `expected ${n} multipliers, one per ${what}` });

export const Seasonality = z
  .strictObject({
    daily: z
      .strictObject({
        rate: multipliers(24, 'hour (00–23 UTC)').optional().describe('Request rate by hour of the day, as multiples of rate_per_sec.'),
        latency: multipliers(24, 'hour (00–23 UTC)').optional().describe('Latency by hour of the day, as multiples of normal.'),
      })
      .default({})
      .describe('Multipliers per hour of the day (UTC); each holds at half past its hour, with straight lines between.'),
    weekly: z
      .strictObject({
        rate: multipliers(7, 'day (Monday first)').optional().describe('Request rate by day of the week, Monday first.'),
        latency: multipliers(7, 'day (Monday first)').optional().describe('Latency by day of the week, Monday first.'),
      })
      .default({})
      .describe('Multipliers per day of the week (UTC); each holds at noon, with straight lines between.'),
  })
  .describe('Seasonal swings of rate and latency, for multi-day traffic (daily and weekly multipliers multiply).');

export const ModelWeight = z.strictObject({
  model: z.string().describe('Model group, from the price table (faultline simulate --list shows it).'),
  weight: z.number().positive().default(1),
});

export const Traffic = z
  .strictObject({
    rate_per_sec: z.number().positive().default(2).describe('Client requests per second (Poisson arrivals).'),
    engine: Engine.default('litellm').describe('Span shapes: LiteLLM default engine, its v2 engine, or plain OTel GenAI.'),
    content: z.boolean().default(true).describe('Capture prompts and completions on the spans.'),
    models: z.array(ModelWeight).min(1).optional().describe('Model mix; omitted: every chat model of the price table.'),
    teams: z.number().int().min(1).max(50).default(4).describe('Teams (two keys each).'),
    users: z.number().int().min(1).default(40).describe('Distinct end users.'),
    num_retries: z.number().int().min(0).max(5).default(0).describe('Router retries on the same model group before a fallback.'),
    fallbacks: z.record(z.string(), z.string()).default({}).describe('Model group → fallback model group (LiteLLM router fallbacks).'),
    timeout_ms: z.number().positive().default(30_000).describe('Request timeout: a timeout attempt lasts about this long.'),
    json_share: share.default(0.15).describe('Share of requests asking for a JSON object response.'),
    rag_share: share.default(0).describe('Share of requests that retrieve documents first (RAG: embedding + retrieval spans).'),
    hallucination_share: share.default(0).describe('Baseline share of RAG answers stating facts absent from the context.'),
    fallback_hallucination_share: share
      .default(0)
      .describe(
        'Share of RAG answers served by a fallback model group that state facts absent from the context (the weaker model a cascade falls back to).',
      ),
    evaluated_share: share
      .default(0)
      .describe(
        "Share of answers an online evaluator scores for faithfulness (a gen_ai.evaluation.result event on the call's span): about 0.9 for a faithful answer, under 0.3 for an off-topic one.",
      ),
    rate_limit_scale: z.number().positive().default(1).describe('Multiplies every deployment rate limit (RPM/TPM) of the price table.'),
    seasonality: Seasonality.optional(),
  })
  .default({
    rate_per_sec: 2,
    engine: 'litellm',
    content: true,
    teams: 4,
    users: 40,
    num_retries: 0,
    fallbacks: {},
    timeout_ms: 30_000,
    json_share: 0.15,
    rag_share: 0,
    hallucination_share: 0,
    fallback_hallucination_share: 0,
    evaluated_share: 0,
    rate_limit_scale: 1,
  });
export type Traffic = z.infer<typeof Traffic>;

export const Detection = z.strictObject({
  category: Category,
  subtype: z.string().min(1),
  provider: z.string().optional().describe('Normalized provider (openai, anthropic, gcp.gemini…).'),
  model: z.string().optional(),
  severity: Severity.optional().describe('Least severity the episode must reach (P1 is the most severe).'),
  within_secs: z.number().positive().optional().describe('Longest time from the first failing span to detection (MTTD).'),
  why: z.string().optional().describe('Why this must be detected (shown on a miss).'),
});
export type Detection = z.infer<typeof Detection>;

export const Absence = z.strictObject({
  category: Category.optional(),
  subtype: z.string().optional(),
  provider: z.string().optional(),
  from_secs: z.number().optional().describe('Only events at or after this many seconds from start count (negative: in the warm-up).'),
  until_secs: z.number().optional().describe('Only events before this many seconds from start count.'),
  why: z.string().optional(),
});
export type Absence = z.infer<typeof Absence>;

/** A kind of failure an expectation names; an omitted field matches anything. */
export const ExpectedKind = z.strictObject({
  category: Category,
  subtype: z.string().min(1).optional(),
  provider: z.string().optional().describe('Normalized provider (openai, anthropic, gcp.gemini…).'),
  model: z.string().optional(),
});
export type ExpectedKind = z.infer<typeof ExpectedKind>;

export const CorrelationExpectation = z.strictObject({
  root: ExpectedKind.describe('The root cause the cluster must report.'),
  effects: z
    .array(ExpectedKind)
    .default([])
    .describe('Kinds of failure the cluster must hold besides its root (secondary matches on its failures count).'),
  contains_all: z
    .array(ExpectedKind)
    .default([])
    .describe('Every failure event of these kinds must be in this one cluster (e.g. every outage event of the outage).'),
  within_secs: z.number().positive().optional().describe('Longest time from the first failing span to the cluster being reported.'),
  why: z.string().optional().describe('Why this must hold (shown on a miss).'),
});
export type CorrelationExpectation = z.infer<typeof CorrelationExpectation>;

export const SloPage = z.strictObject({
  slo: z.string().min(1).describe('The SLO name, as under processors.slo.objectives.'),
  within_secs: z.number().positive().optional().describe('Longest time from the first failing span to the first page.'),
  may_page: z
    .boolean()
    .default(false)
    .describe('The SLO may page or not (the scenario sits on its burn-rate threshold): neither is a miss. Say why.'),
  why: z.string().optional(),
});
export type SloPage = z.infer<typeof SloPage>;

const TruthBound = z.strictObject({
  fault: z.number().int().nonnegative().default(0).describe('Index of the fault in faults whose simulator counts are the truth.'),
  within: z.number().positive().max(1).default(0.1).describe('Largest relative difference from the truth, e.g. 0.1 for 10 %.'),
});

export const ImpactBound = z.strictObject({
  category: Category.optional().describe(
    'Only incidents of this category; omitted: every incident but slo_burn ones (they repeat their members).',
  ),
  subtype: z.string().min(1).optional(),
  provider: z.string().optional(),
  requests: TruthBound.optional().describe("The incidents' affected requests (summed) against the fault's failed requests."),
  users: TruthBound.optional().describe("The incidents' affected users (the largest) against the fault's failed users."),
  wasted_usd: TruthBound.optional().describe("The incidents' wasted spend (summed) against what the fault's requests cost."),
  why: z.string().optional(),
});
export type ImpactBound = z.infer<typeof ImpactBound>;

export const ExpectedPrediction = z.strictObject({
  failure_type: z.enum(['rate_limited', 'latency_degradation', 'outage']),
  provider: z.string().optional(),
  model: z.string().optional(),
  min_lead_secs: z.number().nonnegative().default(0).describe('Least time from the prediction to the failure it foresaw.'),
  why: z.string().optional(),
});
export type ExpectedPrediction = z.infer<typeof ExpectedPrediction>;

export const AbsentPrediction = z.strictObject({
  failure_type: z.enum(['rate_limited', 'latency_degradation', 'outage']).optional(),
  provider: z.string().optional(),
  min_score: z.number().min(0).max(1).default(0).describe('Only predictions reaching this score count (0: any prediction).'),
  why: z.string().optional(),
});
export type AbsentPrediction = z.infer<typeof AbsentPrediction>;

export const PendingExpectation = Detection.extend({
  needs: z.string().min(1).describe('The capability not yet in the pipeline, e.g. "quality detectors (hallucination)".'),
});
export type PendingExpectation = z.infer<typeof PendingExpectation>;

export const Scenario = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'expected a lower-case name with dashes, e.g. provider-outage' }),
  title: z.string().min(1),
  group: z.enum(['canonical', 'chaos', 'operational', 'custom']).default('custom'),
  story: z.string().min(1).describe('What happens, in a few sentences.'),
  seed: z.number().int().nonnegative().default(1),
  start: z.iso.datetime({ offset: true }).default('2026-01-05T09:00:00Z').describe('Event time of the first request.'),
  duration_secs: z
    .number()
    .positive()
    .max(7 * 86_400)
    .describe('How long the scenario runs (event time), from start.'),
  warmup_secs: z
    .number()
    .nonnegative()
    .max(7 * 86_400)
    .default(0)
    .describe(
      'Ordinary traffic before start (so learned baselines have history); faults and MTTD count from start, absences cover the warm-up too.',
    ),
  traffic: Traffic,
  faults: z.array(Fault).default([]),
  detectors: z
    .record(z.string(), z.unknown())
    .default({})
    .describe(
      "Detector settings this scenario's deployment relies on, as under processors.detectors in agent.yaml (e.g. a collection's stale-document age); replay merges them over its configuration.",
    ),
  expectations: z
    .strictObject({
      detections: z.array(Detection).default([]),
      incidents: z
        .array(Detection)
        .default([])
        .describe('Incidents the incidents processor must open (checked when the pipeline has one).'),
      absent: z.array(Absence).default([]),
      correlations: z
        .array(CorrelationExpectation)
        .default([])
        .describe(
          'Clusters the correlator must report (checked when the pipeline has one). Each matches a cluster of its own, and no cluster may hold the root of another: independent faults stay apart.',
        ),
      impact: z
        .array(ImpactBound)
        .default([])
        .describe(
          "Incidents' impact against what the simulator counted for a fault (simulate --truth): affected requests, users and wasted spend within a share. Checked when the pipeline has an impact processor.",
        ),
      slo_pages: z
        .array(SloPage)
        .optional()
        .describe(
          'When given: exactly these SLOs page (a burn-rate alert of severity page fires), each within its bound, and no other SLO pages; [] means nothing pages; an entry with may_page: true may page or not. Checked when the pipeline has an slo processor.',
        ),
      predictions: z
        .array(ExpectedPrediction)
        .default([])
        .describe('Failures the predictor must see coming (checked when the pipeline has a predictor).'),
      no_predictions: z
        .array(AbsentPrediction)
        .default([])
        .describe('Predictions that must not be made (checked when the pipeline has a predictor).'),
    })
    .default({ detections: [], incidents: [], absent: [], correlations: [], impact: [], predictions: [], no_predictions: [] }),
  pending_expectations: z
    .array(PendingExpectation)
    .default([])
    .describe('Detections that need capabilities not yet in the pipeline; listed by --check, not evaluated.'),
});
export type Scenario = z.infer<typeof Scenario>;
