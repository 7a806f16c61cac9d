// Quality checks on one successful LLM call. The cheap ones run here, inline: format_violation,
// refusal, degenerate_output (loops), truncation, empty_response, token_count_mismatch, evaluation
// scores, the numeric/date/URL/citation grounding tally and the input-token check. The expensive ones (language, entities) are handed back
// as a
// job; completeQuality() turns their results, when they came back, into signals.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import type { QualityConfig } from './config.ts';
import type { ExpensiveJob, ExpensiveResult } from './expensive-checks.ts';
import { findEmptyResponse, findTruncation } from './finish.ts';
import { extractFacts } from './facts.ts';
import { buildGroundingContext, judgeGrounding, screenFacts, type GroundingTally } from './grounding.ts';
import { readJsonAnswer, type FormatRequest } from './json-format.ts';
import { jsonProse } from './json-prose.ts';
import { settleLanguages } from './language.ts';
import { checkOutputTokens } from './output-tokens.ts';
import { findRefusal } from './refusal.ts';
import { findRepetition } from './repetition.ts';
import { findScoreFindings } from './scores.ts';
import { checkInputTokens, type TokenCheck } from './input-token-check.ts';

/** Text of retrieved documents in the call's trace (sibling retrieval spans of the same batch). */
export interface TraceDocuments {
  readonly texts: readonly string[];
  readonly count: number;
}

export interface QualityInspection {
  readonly signals: Signal[];
  readonly job: ExpensiveJob | null;
  /** The answer's own fact tally, judged once the entity count is known (or known to be missing). */
  readonly grounding: GroundingTally | null;
  readonly tokenCheck: TokenCheck | null;
}

/** The operations whose answers are judged (and counted by the regression check). */
export const CHAT_OPERATIONS: ReadonlySet<string> = new Set(['chat', 'text_completion', 'generate_content']);
// 'json' is the OTel GenAI spelling (gen_ai.output.type); the others are OpenAI's response_format types.
const JSON_FORMATS = new Set(['json_object', 'json_schema', 'json']);

export function inspectQuality(call: LlmCall, q: QualityConfig, documents: TraceDocuments | null): QualityInspection {
  const tokenCheck = checkInputTokens(call.content, call.tokens.input, q.input_token_excess_ratio);
  if (call.outcome !== 'ok' || !CHAT_OPERATIONS.has(call.operation)) return { signals: [], job: null, grounding: null, tokenCheck };
  const signals: Signal[] = [];
  for (const f of findScoreFindings(call.evaluation, {
    hallucination: q.hallucination_score_threshold,
    faithfulness: q.faithfulness_threshold,
  })) {
    signals.push(qualitySignal(f.subtype, 'evaluation_score', f.rule, f.confidence, f.evidence));
  }
  const truncation = findTruncation(call);
  if (truncation !== null)
    signals.push(qualitySignal(truncation.subtype, truncation.method, truncation.rule, truncation.confidence, truncation.evidence));
  const empty = findEmptyResponse(call);
  if (empty !== null) signals.push(qualitySignal(empty.subtype, empty.method, empty.rule, empty.confidence, empty.evidence));

  const content = call.content;
  if (content === null || empty !== null) return { signals, job: null, grounding: null, tokenCheck };
  if (q.output_tokens.enabled) {
    const mismatch = checkOutputTokens(call, { ratio: q.output_tokens.ratio, minGap: q.output_tokens.min_gap });
    if (mismatch !== null)
      signals.push(qualitySignal('token_count_mismatch', 'token_count', mismatch.rule, mismatch.confidence, mismatch.evidence));
  }
  const answer = content.outputText ?? '';
  const hasRefusalField = content.outputMessages.some((m) =>
    m.parts.some((p) => p.type === 'refusal' && p.content !== null && p.content !== ''),
  );
  if (answer.trim() === '') {
    if (hasRefusalField) signals.push(qualitySignal('refusal', 'provider_field', 'refusal:provider_field', 1, { source: 'refusal_field' }));
    return { signals, job: null, grounding: null, tokenCheck };
  }
  const format = formatRequested(call, q);
  // A turn that calls a tool is not the answer the format was asked for; the final turn is.
  const callsTool =
    call.finishReasons.includes('tool_call') || content.outputMessages.some((m) => m.parts.some((p) => p.type === 'tool_call'));
  let json: unknown;
  if (format !== null && !callsTool) {
    const read = readJsonAnswer(answer, format, q.allow_code_fence);
    const violation = read.violation;
    json = read.value;
    // A cut-off answer explains its broken JSON: the truncation stays the primary verdict.
    if (violation !== null)
      signals.push(
        qualitySignal(
          'format_violation',
          'json_parse',
          violation.rule,
          truncation === null ? violation.confidence : Math.min(violation.confidence, 0.8),
          { ...violation.evidence, truncated: truncation !== null },
        ),
      );
  }
  if (q.repetition.enabled) {
    const loop = findRepetition(answer, {
      minRepeats: q.repetition.min_repeats,
      minCoverage: q.repetition.min_coverage,
      minWords: q.repetition.min_words,
      maxDistinctRatio: q.repetition.max_distinct_ratio,
      maxScanChars: q.repetition.max_scan_chars,
    });
    if (loop !== null) signals.push(qualitySignal('degenerate_output', 'repetition', loop.rule, loop.confidence, loop.evidence));
  }
  const refusal = findRefusal(
    answer,
    hasRefusalField,
    call.tokens.output,
    { maxTokens: q.refusal_max_tokens, scanChars: q.refusal_scan_chars },
    lastUserTurn(call),
  );
  if (refusal !== null) signals.push(qualitySignal('refusal', refusal.method, refusal.rule, refusal.confidence, refusal.evidence));

  // A refusal carries no facts worth screening. A JSON answer states its facts in its string
  // values, screened like prose; a broken one (already a format_violation) is not read further,
  // nor its language (keys and short values say little about it).
  if (refusal !== null || (format !== null && json === undefined)) return { signals, job: null, grounding: null, tokenCheck };
  const prose = format === null ? answer : jsonProse(json, q.grounding.max_scan_chars);
  const job: { language?: ExpensiveJob['language']; entities?: ExpensiveJob['entities'] } = {};
  if (q.language.enabled && format === null) {
    // Only what identification reads crosses to the worker (plus room to tell code from prose);
    // what plain evidence settles here (code, too short, one language both ways) never goes.
    const sample = q.language.sample_chars;
    const language = {
      userText: userText(call, sample),
      systemPrompt: (content.systemPrompt ?? '').slice(0, 8 * sample),
      answer: answer.slice(0, 4 * sample),
      minLetters: q.language.min_letters,
      sampleChars: sample,
    };
    if (settleLanguages(language, language) === null) job.language = language;
  }
  let grounding: GroundingTally | null = null;
  const context = groundingContext(call, documents, q);
  if (context !== null) {
    const cappedAnswer = prose.slice(0, q.grounding.max_scan_chars);
    grounding = screenFacts(cappedAnswer, () => buildGroundingContext(context.text, documents?.count ?? 0));
    // Names in an answer to a plain conversation come from the model's knowledge or its manners
    // (greetings, product names); only a supplied source (documents, tool results, or text pasted
    // into the conversation) grounds them.
    if (context.sourced) job.entities = { answer: cappedAnswer, foldedContext: foldForEntities(context.text.toLowerCase()) };
  }
  return { signals, job: job.language === undefined && job.entities === undefined ? null : job, grounding, tokenCheck };
}

/** Signals from the expensive checks (result null: they did not come back) and the grounding verdict. */
export function completeQuality(inspection: QualityInspection, result: ExpensiveResult | null, q: QualityConfig): Signal[] {
  const out: Signal[] = [];
  const lang = result?.language;
  if (lang !== undefined && lang.skipped === null && lang.input !== lang.output) {
    out.push(
      qualitySignal('language_drift', 'language_id', 'language:mismatch', 0.7, {
        input_language: lang.input,
        output_language: lang.output,
      }),
    );
  }
  if (inspection.grounding !== null) {
    const verdict = judgeGrounding(inspection.grounding, result?.entities ?? null, {
      minUngrounded: q.grounding.min_ungrounded,
      minRatio: q.grounding.min_ungrounded_ratio,
    });
    if (verdict !== null)
      out.push(qualitySignal('hallucination', 'grounding', 'grounding:ungrounded_facts', verdict.confidence, verdict.evidence));
  }
  return out;
}

/** Adds the input-token comparison to every signal of a call whose reported input is too high. */
export function withTokenCheck(signals: readonly Signal[], check: TokenCheck | null): Signal[] {
  if (check === null || signals.length === 0) return [...signals];
  const note = {
    input_tokens_reported: check.reported,
    input_tokens_predicted: check.predicted,
    input_tokens_excess_ratio: check.excessRatio,
  };
  return signals.map((s) => ({ ...s, evidence: { ...s.evidence, ...note } }));
}

function formatRequested(call: LlmCall, q: QualityConfig): FormatRequest | null {
  const content = call.content;
  const route = call.identity.route;
  const routeSchema = route !== null ? q.route_schemas[route] : undefined;
  const requested = content?.responseFormat ?? null;
  if (requested !== null && JSON_FORMATS.has(requested))
    return { format: requested, schema: content?.responseSchema ?? routeSchema ?? null };
  if (routeSchema !== undefined) return { format: 'route_schema', schema: routeSchema };
  return null;
}

/**
 * System prompt, every input part (user, tool results, earlier turns) and the trace's documents;
 * `sourced` when documents or tool results are among them, or the input parts alone (a pasted
 * briefing, report or context block) reach min_context_chars.
 */
function groundingContext(call: LlmCall, documents: TraceDocuments | null, q: QualityConfig): { text: string; sourced: boolean } | null {
  const content = call.content!;
  const pieces: string[] = [];
  let hasToolOrDocs = documents !== null && documents.count > 0;
  let inputChars = 0;
  if (content.systemPrompt !== null) pieces.push(content.systemPrompt);
  for (const m of content.inputMessages) {
    const role = m.role.toLowerCase();
    for (const p of m.parts) {
      if (p.content === null) continue;
      if (role === 'tool' || role === 'function' || p.type === 'tool_call_response') hasToolOrDocs = true;
      if (role !== 'system' && role !== 'developer') inputChars += p.content.length;
      pieces.push(p.content);
    }
  }
  if (documents !== null) pieces.push(...documents.texts);
  let text = pieces.join('\n');
  if (!hasToolOrDocs && text.length < q.grounding.min_context_chars && !statesFigures(text, q.grounding.min_context_facts)) return null;
  if (text.length > q.grounding.max_context_chars) text = text.slice(0, q.grounding.max_context_chars);
  return { text, sourced: hasToolOrDocs || inputChars >= q.grounding.min_context_chars };
}

/** Whether a short context states enough figures (not list numbers or small counts) to check an answer against. */
function statesFigures(text: string, min: number): boolean {
  let n = 0;
  for (const f of extractFacts(text))
    if (f.kind !== 'number' || f.approximate || Number(f.value) > 10 || !Number.isInteger(Number(f.value))) n++;
  return n >= min;
}

/** The user's last turn (its text parts), or '' when there is none. */
function lastUserTurn(call: LlmCall): string {
  const messages = call.content!.inputMessages;
  for (let i = messages.length - 1; i >= 0; i--)
    if (messages[i].role.toLowerCase() === 'user')
      return messages[i].parts.map((p) => (p.type === 'text' ? (p.content ?? '') : '')).join(' ');
  return '';
}

/** The most recent user turns, up to `max` characters. */
function userText(call: LlmCall, max: number): string {
  let text = '';
  const messages = call.content!.inputMessages;
  for (let i = messages.length - 1; i >= 0 && text.length < max; i--) {
    if (messages[i].role.toLowerCase() !== 'user') continue;
    const t = messages[i].parts.map((p) => (p.type === 'text' ? (p.content ?? '') : '')).join(' ');
    text = text === '' ? t : `${t}\n${text}`;
  }
  return text;
}

// Entities are matched on case- and diacritic-folded text (entities.ts `fold`); the context is
// folded once here so the worker receives it ready. ASCII has nothing to fold.
const NON_ASCII = /[^\x00-\x7f]/;
const foldForEntities = (lower: string): string => (NON_ASCII.test(lower) ? lower.normalize('NFKD').replace(/\p{M}+/gu, '') : lower);

export function qualitySignal(
  subtype: string,
  method: string,
  rule: string,
  confidence: number,
  evidence: Record<string, unknown>,
): Signal {
  return { category: 'quality', subtype, detection_method: method, confidence, evidence: { rule, ...evidence }, fields: { confidence } };
}
