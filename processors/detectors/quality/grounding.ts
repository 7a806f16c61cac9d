// The model-free hallucination screen (no judge model, so it runs inline on every answer): facts in the answer that appear nowhere in
// the supplied context. A correct answer quotes its numbers from the context and passes; small
// counts (0–10) are not judged, magnitude-word numbers (1.2 million) match within 5 %, and citation
// markers are grounded by the documents retrieved. Entities join the tally from the worker.
import { extractFacts, foldUrl, type Fact, type FactKind } from './facts.ts';
import { maskDigitRuns } from './mask-digits.ts';

export interface GroundingContext {
  /** Lower-cased context, for URL look-ups. */
  readonly folded: string;
  readonly values: ReadonlySet<string>;
  readonly numbers: readonly number[];
  readonly documents: number;
}

export type TallyKind = FactKind | 'entity';

export interface GroundingTally {
  readonly checked: Partial<Record<TallyKind, number>>;
  readonly ungrounded: Partial<Record<TallyKind, number>>;
  /** Ungrounded numbers, percentages and amounts, masked; other kinds are counted only. */
  readonly examples: string[];
}

export function buildGroundingContext(text: string, documents: number): GroundingContext {
  const values = new Set<string>();
  const numbers: number[] = [];
  for (const f of extractFacts(text)) {
    values.add(`${f.kind === 'date' || f.kind === 'identifier' || f.kind === 'url' ? f.kind : 'n'}:${f.value}`);
    // A date's parts (2024, 3) and a citation's number ground plain numbers too.
    if (f.kind === 'date') for (const part of f.value.split('-')) values.add(`n:${Number(part)}`);
    if (f.kind === 'citation') values.add(`c:${f.value}`);
    if (f.kind === 'number' || f.kind === 'percent' || f.kind === 'currency') numbers.push(Number(f.value));
  }
  return { folded: text.toLowerCase(), values, numbers, documents };
}

/** `context`: the context itself, or a function building it (read only if the answer has facts). */
export function screenFacts(answer: string, context: GroundingContext | (() => GroundingContext)): GroundingTally {
  const checked: Partial<Record<TallyKind, number>> = {};
  const ungrounded: Partial<Record<TallyKind, number>> = {};
  const examples: string[] = [];
  const seen = new Set<string>();
  let ctx: GroundingContext | null = typeof context === 'function' ? null : context;
  for (const fact of extractFacts(answer)) {
    if (isTrivial(fact)) continue;
    ctx ??= (context as () => GroundingContext)();
    const key = `${fact.kind}:${fact.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    checked[fact.kind] = (checked[fact.kind] ?? 0) + 1;
    if (isGrounded(fact, ctx)) continue;
    ungrounded[fact.kind] = (ungrounded[fact.kind] ?? 0) + 1;
    if ((fact.kind === 'number' || fact.kind === 'percent' || fact.kind === 'currency') && examples.length < 5)
      examples.push(maskDigitRuns(fact.value));
  }
  return { checked, ungrounded, examples };
}

export interface GroundingThresholds {
  readonly minUngrounded: number;
  readonly minRatio: number;
}

export interface GroundingVerdict {
  readonly confidence: number;
  readonly evidence: Record<string, unknown>;
}

/** Entities from the worker (or null when that check did not run) join the answer's own tally. */
export function judgeGrounding(
  tally: GroundingTally,
  entities: { checked: number; ungrounded: number } | null,
  t: GroundingThresholds,
): GroundingVerdict | null {
  const checked = { ...tally.checked };
  const ungrounded = { ...tally.ungrounded };
  if (entities !== null && entities.checked > 0) {
    checked.entity = entities.checked;
    if (entities.ungrounded > 0) ungrounded.entity = entities.ungrounded;
  }
  const total = sum(checked);
  const missing = sum(ungrounded);
  if (missing < t.minUngrounded || missing / total < t.minRatio) return null;
  const ratio = missing / total;
  return {
    confidence: Math.round(Math.min(0.9, 0.5 + 0.4 * ratio) * 100) / 100,
    evidence: {
      checked,
      ungrounded,
      ungrounded_ratio: Math.round(ratio * 100) / 100,
      ungrounded_values: tally.examples,
      entities_checked: entities !== null,
    },
  };
}

function isGrounded(f: Fact, ctx: GroundingContext): boolean {
  switch (f.kind) {
    case 'url':
      return ctx.folded.includes(f.value) || ctx.values.has(`url:${foldUrl(f.value)}`);
    case 'citation':
      return Number(f.value) <= ctx.documents || ctx.values.has(`c:${f.value}`);
    case 'date':
    case 'identifier':
      return ctx.values.has(`${f.kind}:${f.value}`);
    default: {
      if (ctx.values.has(`n:${f.value}`)) return true;
      const v = Number(f.value);
      if (f.approximate && ctx.numbers.some((c) => Math.abs(c - v) <= 0.05 * Math.abs(c))) return true;
      return derivable(f, v, ctx.numbers);
    }
  }
}

/** Context figures up to which a computed percentage (a change, a share) is looked for. */
const MAX_DERIVING_NUMBERS = 24;

/**
 * Whether a percentage is a change or a share between two context figures: "from 90 to 135, a 50%
 * increase" states what the context implies. Plain numbers are not derived (a sum or difference
 * matches an invented figure by chance too often), and only in contexts with few figures.
 */
function derivable(f: Fact, v: number, numbers: readonly number[]): boolean {
  if (f.kind !== 'percent' || numbers.length < 2 || numbers.length > MAX_DERIVING_NUMBERS) return false;
  const near = (x: number): boolean => Number.isFinite(x) && Math.abs(x - v) <= 0.5;
  for (let i = 0; i < numbers.length; i++)
    for (let j = 0; j < numbers.length; j++) {
      const b = numbers[j];
      if (i === j || b === 0) continue;
      const a = numbers[i];
      if (near((a / b) * 100) || near((Math.abs(a - b) / b) * 100)) return true;
    }
  return false;
}

// List numbering and small counts ("3 options") are everywhere and prove nothing.
const isTrivial = (f: Fact): boolean => f.kind === 'number' && !f.approximate && Number.isInteger(Number(f.value)) && Number(f.value) <= 10;

const sum = (r: Partial<Record<TallyKind, number>>): number => Object.values(r).reduce((a, b) => a + (b ?? 0), 0);
