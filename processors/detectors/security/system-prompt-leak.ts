// System-prompt leak without a canary: the completion shares long word n-grams (shingles) with the
// system prompt. Both are normalised and split into words once; the prompt's shingles go in a set,
// the completion's are looked up, so the check is linear in the two lengths.
import { normalizeText } from './normalize-text.ts';

export interface LeakSettings {
  readonly shingleWords: number;
  readonly minOverlapWords: number;
  readonly maxChars: number;
}

export interface LeakResult {
  /** Words of the completion covered by a shingle also found in the system prompt. */
  readonly overlapWords: number;
  readonly systemPromptWords: number;
  readonly offset: number;
}

const words = (text: string, maxChars: number): string[] => normalizeText(text, maxChars).match(/[\p{L}\p{N}]+/gu) ?? [];

export function findSystemPromptLeak(systemPrompt: string, output: string, s: LeakSettings): LeakResult | null {
  const sys = words(systemPrompt, s.maxChars);
  const k = s.shingleWords;
  if (sys.length < k) return null;
  const out = words(output, s.maxChars);
  const shingles = new Set<string>();
  for (let i = 0; i + k <= sys.length; i++) shingles.add(sys.slice(i, i + k).join(' '));
  let covered = 0;
  let coveredUntil = 0;
  let first = -1;
  for (let i = 0; i + k <= out.length; i++) {
    if (!shingles.has(out.slice(i, i + k).join(' '))) continue;
    if (first < 0) first = i;
    covered += i + k - Math.max(i, coveredUntil);
    coveredUntil = i + k;
  }
  // A short system prompt leaks when half of it is repeated; a long one at min_overlap_words.
  const needed = Math.max(k, Math.min(s.minOverlapWords, Math.ceil(sys.length / 2)));
  return covered >= needed ? { overlapWords: covered, systemPromptWords: sys.length, offset: first } : null;
}
