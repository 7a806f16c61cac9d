// The `quality:` section of the detectors config. Kept beside the quality checks so the detectors'
// config.ts only names it; route schemas are compiled here once, so a broken one fails at startup.
import { z } from 'zod';
import { count, factor, milliseconds, positiveNumber, ratio } from '../../../config/units.ts';
import { SUBTYPES } from '../../../agent/core/model/taxonomy.ts';
import { compileSchemaError } from './json-format.ts';

export const GroundingConfig = z.strictObject({
  min_context_chars: count('characters')
    .default(400)
    .describe(
      'Context (system prompt, user turns, tool results, retrieved documents) a call needs before its answer is screened; a bare question grounds nothing.',
    ),
  min_context_facts: count('facts')
    .default(2)
    .describe(
      'A context shorter than min_context_chars is still screened when it states at least this many figures (numbers over 10, amounts, percentages, dates): a pasted snippet the answer can contradict.',
    ),
  min_ungrounded: count('facts')
    .default(2)
    .describe('Ungrounded facts (numbers, dates, currency, URLs, citations, named entities) an answer needs for a hallucination.'),
  min_ungrounded_ratio: ratio('min_ungrounded_ratio')
    .default(0.5)
    .describe("Share of the answer's checked facts that must be ungrounded for a hallucination."),
  max_scan_chars: count('characters').default(16_384).describe('Characters of the answer screened; the rest is not read.'),
  max_context_chars: count('characters')
    .default(65_536)
    .describe('Characters of context the answer is checked against; the rest is not read.'),
});

export const RepetitionConfig = z.strictObject({
  enabled: z.boolean().default(true).describe('degenerate_output: an answer looping on a sentence or a phrase.'),
  min_repeats: count('repeats').default(3).describe('Times a sentence (or a word 4-gram) must occur for a loop.'),
  min_coverage: ratio('min_coverage').default(0.3).describe("Share of the answer's characters the repeated sentences must cover."),
  min_words: count('words')
    .default(40)
    .describe('Words (or characters, in scripts without spaces) an answer needs before its 4-grams are judged.'),
  max_distinct_ratio: ratio('max_distinct_ratio')
    .default(0.5)
    .describe('Distinct word 4-grams over all 4-grams at or under which an answer loops on a phrase (ordinary prose is above 0.9).'),
  max_scan_chars: count('characters').default(16_384).describe('Characters of the answer read; the rest is not.'),
});

export const OutputTokensConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe("token_count_mismatch: reported output tokens far from the captured answer's size (reasoning tokens set aside)."),
  ratio: factor('ratio').default(4).describe('Reported and predicted output tokens must differ by this factor…'),
  min_gap: count('tokens').default(150).describe('…and by at least this many tokens.'),
});

export const LanguageConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe("language_drift: the answer is in another language than the user's turns (code and JSON answers are skipped)."),
  min_letters: count('letters').default(40).describe('Letters the user text and the answer each need before their language is judged.'),
  sample_chars: count('characters')
    .default(400)
    .describe('Characters of the last user turns and of the answer given to language identification.'),
});

export const WorkersConfig = z
  .strictObject({
    threads: z
      .number({ error: 'expected a whole number of threads (0 runs the expensive checks inline)' })
      .int({ error: 'expected a whole number of threads (0 runs the expensive checks inline)' })
      .min(0, { error: 'expected a whole number of threads (0 runs the expensive checks inline)' })
      .max(16, { error: 'expected at most 16 threads' })
      .nullable()
      .default(null)
      .describe(
        'Worker threads for the expensive checks (language identification, entity extraction); 0 runs them inline, deterministically (classify does); null: one per core beyond the first, at least 1 and at most 4.',
      ),
    budget_ms: milliseconds()
      .default(50)
      .describe(
        "Worker time one batch's expensive checks get, plus budget_per_check_ms for each of its checks; a check not back by then is dropped and counted. A batch queued behind others gets its budget after theirs (up to max_wait_ms), so batches in flight together do not use up each other's.",
      ),
    budget_per_check_ms: milliseconds()
      .default(20)
      .describe("Worker time added to a batch's budget for each of its checks, so a large batch gets time in proportion."),
    max_wait_ms: milliseconds()
      .nullable()
      .default(null)
      .describe(
        "The longest one batch waits for its expensive checks, counting the batches queued before it; null: the larger of 30,000 ms and the batch's own budget.",
      ),
    max_queue: count('checks')
      .default(1_024)
      .describe(
        'Expensive checks waiting or running at once. From half of it receivers refuse new data (503 + Retry-After) until the queue is back under a quarter, so checks are not dropped; past it new ones are refused (dropped and counted), so intake never stalls.',
      ),
  })
  .refine((w) => w.max_wait_ms === null || w.max_wait_ms >= w.budget_ms, {
    path: ['max_wait_ms'],
    error: 'expected max_wait_ms to be at least budget_ms',
  });

/** The per-call quality subtypes a regression can count (not regression itself). */
const COUNTED = SUBTYPES.quality.filter((s) => s !== 'regression');
const CountedSubtype = z.enum(COUNTED as [string, ...string[]], { error: `expected a quality subtype (${COUNTED.join(', ')})` });

export const RegressionConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      'regression: the quality-failure rate of a provider/requested model rising well above its own recent level, or after the model that answers changes.',
    ),
  window_ms: milliseconds()
    .default(300_000)
    .describe(
      'Event time judged against the baseline: the latest window, or the time since the answering model (gen_ai.response.model) changed, up to this long.',
    ),
  baseline_window_ms: milliseconds()
    .default(1_800_000)
    .describe('Event time just before the judged window whose failure rate is the recent level.'),
  min_calls_before: count('calls')
    .default(50)
    .describe('Successful chat calls the baseline needs before a rise is judged (an empty baseline never fires).'),
  min_calls_after: count('calls').default(40).describe('Successful chat calls the judged window needs before a rise is judged.'),
  rate_ratio: factor('rate_ratio').default(2).describe('The judged failure rate must reach this multiple of the baseline rate…'),
  min_rate_rise: ratio('min_rate_rise').default(0.05).describe('…and exceed it by at least this much (absolute share of calls).'),
  min_z: positiveNumber('min_z')
    .default(3)
    .describe('…and the rise must be this many standard errors (two-proportion z statistic), so a handful of calls is never a regression.'),
  min_z_after_change: positiveNumber('min_z_after_change')
    .default(2.5)
    .describe(
      'The z statistic needed instead within window_ms of a change of answering model: a known change is judged once, not on every window, so it needs less evidence.',
    ),
  cool_down_ms: milliseconds()
    .default(1_800_000)
    .describe('After a regression is reported for a model, event time before another can be: one finding per change, not per call.'),
  subtypes: z
    .array(CountedSubtype)
    .min(1)
    .default([
      'hallucination',
      'low_faithfulness',
      'format_violation',
      'refusal',
      'degenerate_output',
      'truncation',
      'empty_response',
      'language_drift',
    ])
    .describe('Quality findings that make a call a quality failure.'),
  max_keys: count('keys')
    .default(1_000)
    .describe('Provider/requested-model pairs tracked at once; past it the least recently seen is forgotten.'),
});
export type RegressionConfig = z.infer<typeof RegressionConfig>;

export const QualityConfig = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Quality checks: format_violation, refusal, truncation, empty_response, hallucination, low_faithfulness, language_drift, regression.',
      ),
    route_schemas: z
      .record(z.string().min(1), z.record(z.string(), z.unknown()))
      .default({})
      .describe('JSON Schema per gateway route (as on the call, e.g. "/v1/extract"): answers on that route must be JSON valid against it.'),
    allow_code_fence: z
      .boolean()
      .default(false)
      .describe(
        'Accept a JSON answer wrapped in a ``` code fence when JSON was asked; by default it is a format_violation (a strict JSON.parse fails on it).',
      ),
    repetition: RepetitionConfig.default(RepetitionConfig.parse({})).describe('Loops in the answer (degenerate_output).'),
    output_tokens: OutputTokensConfig.default(OutputTokensConfig.parse({})).describe(
      'Reported output tokens against the captured answer (token_count_mismatch).',
    ),
    refusal_max_tokens: count('tokens')
      .default(60)
      .describe('Answers longer than this (output tokens, or estimated) are never judged refusals by phrase.'),
    refusal_scan_chars: count('characters').default(200).describe('A refusal phrase must start within this many characters of the answer.'),
    hallucination_score_threshold: ratio('hallucination_score_threshold')
      .default(0.7)
      .describe(
        'A hallucination score on the span (hallucination_score, gen_ai.evaluation "hallucination…") above this is a hallucination.',
      ),
    faithfulness_threshold: ratio('faithfulness_threshold')
      .default(0.5)
      .describe('A faithfulness or groundedness score on the span below this is low_faithfulness.'),
    input_token_excess_ratio: ratio('input_token_excess_ratio')
      .default(0.15)
      .describe(
        "Reported input tokens more than this fraction above the count predicted from the captured prompt are noted in the call's signals' evidence (prompt bloat or hidden injection).",
      ),
    grounding: GroundingConfig.default(GroundingConfig.parse({})).describe(
      'Model-free hallucination screen: facts in the answer that appear nowhere in the supplied context.',
    ),
    language: LanguageConfig.default(LanguageConfig.parse({})).describe("Language drift between the user's turns and the answer (tinyld)."),
    regression: RegressionConfig.default(RegressionConfig.parse({})).describe(
      'regression: a rise in the quality-failure rate per provider and requested model, with the answering model before and after.',
    ),
    workers: WorkersConfig.default(WorkersConfig.parse({})).describe(
      'Where the expensive checks run: worker threads with a bounded queue and a time budget, so they never stall intake.',
    ),
  })
  .superRefine((c, ctx) => {
    for (const [route, schema] of Object.entries(c.route_schemas)) {
      const problem = compileSchemaError(schema);
      if (problem !== null)
        ctx.addIssue({ code: 'custom', path: ['route_schemas', route], message: `not a valid JSON Schema: ${problem}` });
    }
  });
export type QualityConfig = z.infer<typeof QualityConfig>;
