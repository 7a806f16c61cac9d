// degenerate_output: an answer looping on a sentence or a phrase. Two cheap views of one failure:
// the same sentence (or line) said over and over, and a text whose word 4-grams are mostly repeats
// (a phrase looping without punctuation). Code, tables and JSON repeat lines by nature and are not
// read. Linear in the (capped) answer: one split, one pass with a Map.

export interface RepetitionLimits {
  /** A sentence said this many times… */
  readonly minRepeats: number;
  /** …covering this share of the answer's characters. */
  readonly minCoverage: number;
  /** Words an answer needs before its 4-grams are judged. */
  readonly minWords: number;
  /** Distinct 4-grams over all 4-grams at or under which the text loops. */
  readonly maxDistinctRatio: number;
  readonly maxScanChars: number;
}

export interface RepetitionFinding {
  readonly rule: 'repetition:sentence' | 'repetition:ngram';
  readonly confidence: number;
  readonly evidence: Record<string, unknown>;
}

const SENTENCE_END = /[.!?。！？\n]+/;
// Tables, code and structured output repeat their rows and delimiters on purpose.
const STRUCTURED = /```|^\s*[{[]|^\s*\|.*\|\s*$/m;

export function findRepetition(answer: string, limits: RepetitionLimits): RepetitionFinding | null {
  const text = answer.length > limits.maxScanChars ? answer.slice(0, limits.maxScanChars) : answer;
  if (text.length < 60 || STRUCTURED.test(text)) return null;
  return sentenceLoop(text, limits) ?? phraseLoop(text, limits);
}

function sentenceLoop(text: string, limits: RepetitionLimits): RepetitionFinding | null {
  const counts = new Map<string, number>();
  for (const raw of text.split(SENTENCE_END)) {
    const sentence = raw.trim().toLowerCase().replace(/\s+/g, ' ');
    // Short fragments ("yes", "1", "ok") repeat in ordinary answers.
    if (sentence.length < 12) continue;
    counts.set(sentence, (counts.get(sentence) ?? 0) + 1);
  }
  let top = '';
  let topCount = 0;
  let repeatedChars = 0;
  for (const [sentence, n] of counts) {
    if (n >= limits.minRepeats) repeatedChars += sentence.length * n;
    if (n > topCount) [top, topCount] = [sentence, n];
  }
  const coverage = repeatedChars / text.length;
  if (topCount < limits.minRepeats || coverage < limits.minCoverage) return null;
  return {
    rule: 'repetition:sentence',
    confidence: coverage >= 0.5 ? 1 : 0.85,
    evidence: { repeats: topCount, repeated_share: round(coverage), sentence_chars: top.length },
  };
}

function phraseLoop(text: string, limits: RepetitionLimits): RepetitionFinding | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  // Scripts without spaces: characters stand in for words.
  const units = words.length * 4 < text.length / 3 ? [...text.replace(/\s+/g, '')] : words;
  if (units.length < limits.minWords) return null;
  // A loop shrinks the vocabulary: with most words distinct, most 4-grams are too (no need to count).
  if (new Set(units).size / units.length > limits.maxDistinctRatio) return null;
  const grams = new Map<string, number>();
  let top = 0;
  for (let i = 0; i + 4 <= units.length; i++) {
    const key = `${units[i]}\u0001${units[i + 1]}\u0001${units[i + 2]}\u0001${units[i + 3]}`;
    const n = (grams.get(key) ?? 0) + 1;
    grams.set(key, n);
    if (n > top) top = n;
  }
  const total = units.length - 3;
  const distinctRatio = grams.size / total;
  if (distinctRatio > limits.maxDistinctRatio || top < limits.minRepeats) return null;
  return {
    rule: 'repetition:ngram',
    confidence: distinctRatio <= limits.maxDistinctRatio / 2 ? 1 : 0.85,
    evidence: { distinct_4gram_ratio: round(distinctRatio), top_4gram_repeats: top, words: units.length },
  };
}

const round = (x: number): number => Math.round(x * 100) / 100;
