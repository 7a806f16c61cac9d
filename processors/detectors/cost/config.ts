// The `cost:` section of the detectors config: budgets, batch budgets and the rolling-window
// checks (token spikes, cache-miss storms, retry storms, agent loops). Every window is event time.
import { z } from 'zod';
import { count, factor, milliseconds, ratio } from '../../../config/units.ts';

const usd = () => z.number({ error: 'expected a positive amount in USD' }).positive({ error: 'expected a positive amount in USD' });

export const BudgetScope = z.enum(['key', 'team', 'user', 'route', 'model']);
export type BudgetScope = z.infer<typeof BudgetScope>;

export const Budget = z.strictObject({
  scope: BudgetScope.describe(
    'What the budget is per: key (alias, else hash), team (id or alias), user (user, else end user), route, model (requested model, else model group).',
  ),
  match: z
    .string()
    .min(1)
    .default('*')
    .describe('The value the budget applies to (a team id, a route…); "*" gives every distinct value its own budget of this size.'),
  window_ms: milliseconds().describe('Sliding window of event time over which spend is summed (e.g. 86400000 for a day).'),
  budget_usd: usd().describe('Spend allowed in the window; reported once when the window total goes over it.'),
});
export type Budget = z.infer<typeof Budget>;

export const BatchBudget = z
  .strictObject({
    tag: z
      .string()
      .min(1)
      .optional()
      .describe('A request tag (LiteLLM tags / metadata.tags) that marks the calls of one batch job; the tag names the batch.'),
    tag_prefix: z
      .string()
      .min(1)
      .optional()
      .describe('Every tag starting with this prefix marks a batch, one batch per distinct tag (e.g. "batch:").'),
    budget_usd: usd().describe("A batch job's total cost allowed; reported once per batch when its running total goes over it."),
  })
  .refine((b) => (b.tag === undefined) !== (b.tag_prefix === undefined), { error: 'give exactly one of tag or tag_prefix' });
export type BatchBudget = z.infer<typeof BatchBudget>;

export const TokenSpikeConfig = z.strictObject({
  factor: factor('factor')
    .default(5)
    .describe('A request whose billed tokens exceed this multiple of the rolling median for its route and model is a token_spike.'),
  min_tokens: count('tokens').default(2_000).describe('Requests below this many billed tokens are never a spike, whatever the median.'),
  min_samples: count('requests').default(20).describe('Requests a route/model needs in the window before spikes are judged.'),
  window_ms: milliseconds().default(3_600_000).describe('Sliding window of event time for the rolling median.'),
  max_samples_per_key: count('samples').default(500).describe('Token counts kept per route/model; past it the oldest are forgotten.'),
});

export const CacheMissStormConfig = z.strictObject({
  window_ms: milliseconds()
    .default(300_000)
    .describe('Current window of event time whose cache-hit ratio (cached input tokens / input tokens) is judged.'),
  baseline_window_ms: milliseconds().default(3_600_000).describe('Window just before the current one that gives the rolling level.'),
  min_calls: count('calls')
    .default(20)
    .describe('Calls reporting cached tokens needed in each of the two windows before a storm is judged.'),
  min_baseline_ratio: ratio('min_baseline_ratio')
    .default(0.2)
    .describe('A route/model whose baseline hit ratio is below this has no cache worth watching.'),
  collapse_ratio: ratio('collapse_ratio')
    .default(0.5)
    .describe('A storm: the current hit ratio falls below this fraction of the baseline ratio.'),
  rearm_ratio: ratio('rearm_ratio')
    .default(0.8)
    .describe("After a storm, the hit ratio must climb back above this fraction of the storm's baseline before another is reported."),
});

export const SpendSpikeConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      'spend_spike: a team (else key, else model) billing tokens at many times its usual rate — a runaway job or loop of ordinary requests.',
    ),
  window_ms: milliseconds().default(60_000).describe('Current window of event time whose billed-token rate is judged.'),
  baseline_window_ms: milliseconds()
    .default(1_800_000)
    .describe('Window just before the current one that gives the usual rate (only the part the key has existed for).'),
  factor: factor('factor').default(10).describe('A spike: the current rate is at least this multiple of the usual rate.'),
  min_requests: count('requests').default(30).describe('Requests the current window needs before a spike is judged.'),
  min_baseline_requests: count('requests').default(5).describe('Requests the baseline needs: a team never seen before has no usual rate.'),
  rearm_ratio: ratio('rearm_ratio')
    .default(0.5)
    .describe('After a spike, the rate must fall below this fraction of the spike threshold before another is reported.'),
});

export const RetryStormConfig = z.strictObject({
  window_ms: milliseconds().default(300_000).describe('Current window of event time over which attempts per request are averaged.'),
  baseline_window_ms: milliseconds()
    .default(3_600_000)
    .describe('Window just before the current one that gives the normal attempts per request.'),
  min_requests: count('requests').default(10).describe('Requests a model needs in the current window before a storm is judged.'),
  min_mean_attempts: z.number().gt(1).default(2).describe('Mean attempts per request in the window that a storm needs at least.'),
  factor: factor('factor').default(2).describe('…and the multiple of the baseline mean it needs (the baseline is 1 attempt when unknown).'),
  rearm_ratio: ratio('rearm_ratio')
    .default(0.75)
    .describe('After a storm, the mean must fall below this fraction of the storm threshold before another is reported.'),
});

export const AgentLoopConfig = z.strictObject({
  max_calls_per_trace: count('LLM calls')
    .default(25)
    .describe('A trace making more LLM requests than this (retry attempts not counted) is an agent_loop.'),
  max_prompt_repeats: count('repeats')
    .default(3)
    .describe(
      'The same prompt (system + messages, hashed) sent this many times in one trace, each after the previous answer came back, is an agent_loop.',
    ),
  max_tool_call_repeats: count('repeats')
    .default(5)
    .describe(
      'The model asking for the same tool call (tool name + arguments) this many times in one trace is an agent_loop: an agent retrying a tool whose answer never changes, though its growing prompt never repeats.',
    ),
  trace_ttl_ms: milliseconds().default(3_600_000).describe("Event time after a trace's last call when its counts are forgotten."),
  max_traces: count('traces').default(10_000).describe('Traces tracked at once; past it the least recently seen is forgotten.'),
});

export const CostConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      'Cost checks: budget_exceeded (configured budgets), token_spike, spend_spike, cache_miss_storm, batch_cost_overrun, retry_storm, agent_loop.',
    ),
  budgets: z.array(Budget).default([]).describe('Spend budgets per key, team, user, route or model over a sliding window.'),
  budget_rearm_ratio: ratio('budget_rearm_ratio')
    .default(0.9)
    .describe(
      'After a budget is exceeded, window spend must fall below this fraction of it (the window slides on) before it is reported again.',
    ),
  batches: z.array(BatchBudget).default([]).describe('Total-cost budgets of batch jobs, whose calls are marked by a tag.'),
  reasoning_billed_separately: z
    .array(z.string().min(1))
    .default(['gcp.gemini', 'gcp.vertex_ai', 'gcp.gen_ai'])
    .describe(
      'Providers whose output token count leaves reasoning (thinking) tokens out, so they are billed on top. For the others (OpenAI, Anthropic) reasoning is a subset of output and is not added again. A total that equals input + output + reasoning overrides this list.',
    ),
  token_spike: TokenSpikeConfig.default(TokenSpikeConfig.parse({})).describe(
    'token_spike: billed tokens per request against the rolling median of its route and model.',
  ),
  cache_miss_storm: CacheMissStormConfig.default(CacheMissStormConfig.parse({})).describe(
    'cache_miss_storm: the cache-hit ratio collapsing against its rolling level, per route and model.',
  ),
  retry_storm: RetryStormConfig.default(RetryStormConfig.parse({})).describe(
    'retry_storm: attempts per request far above normal, per model.',
  ),
  spend_spike: SpendSpikeConfig.default(SpendSpikeConfig.parse({})).describe(
    "spend_spike: billed tokens per second far above the team's (key's, model's) usual rate.",
  ),
  agent_loop: AgentLoopConfig.default(AgentLoopConfig.parse({})).describe(
    'agent_loop: too many LLM calls in one trace, one prompt repeated, or one tool call requested again and again.',
  ),
  max_keys: count('keys')
    .default(10_000)
    .describe('Keys (budget values, routes/models, batches) tracked per check; past it the least recently seen is forgotten.'),
});
export type CostConfig = z.infer<typeof CostConfig>;
