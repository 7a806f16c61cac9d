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

interface PromptShingles {
  readonly words: number;
  readonly vocabulary: ReadonlySet<string>;
  readonly shingles: ReadonlySet<string>;
}

// Most calls of a route share one system prompt: its shingles are built once and kept for the
// last few prompts seen (a Map in insertion order: the first inserted is evicted first).
const CACHED_PROMPTS = 32;
const promptCache = new Map<string, PromptShingles>();

function promptShingles(systemPrompt: string, k: number, maxChars: number): PromptShingles {
  // Only the first maxChars are ever read, so they are the key (a huge prompt is not kept whole).
  const key = `${k}:${maxChars}:${systemPrompt.length > maxChars ? systemPrompt.slice(0, maxChars) : systemPrompt}`;
  const hit = promptCache.get(key);
  if (hit !== undefined) return hit;
  const sys = words(systemPrompt, maxChars);
  const shingles = new Set<string>();
  for (let i = 0; i + k <= sys.length; i++) shingles.add(sys.slice(i, i + k).join(' '));
  const built = { words: sys.length, vocabulary: new Set(sys), shingles };
  if (promptCache.size >= CACHED_PROMPTS) promptCache.delete(promptCache.keys().next().value!);
  promptCache.set(key, built);
  return built;
}

export function findSystemPromptLeak(systemPrompt: string, output: string, s: LeakSettings): LeakResult | null {
  const k = s.shingleWords;
  const sys = promptShingles(systemPrompt, k, s.maxChars);
  if (sys.words < k) return null;
  const out = words(output, s.maxChars);
  let covered = 0;
  let coveredUntil = 0;
  let first = -1;
  // A shingle can only match where k words in a row are all prompt words; `run` counts the
  // prompt words ending at j, so only those positions build a shingle string.
  let run = 0;
  for (let j = 0; j < out.length; j++) {
    run = sys.vocabulary.has(out[j]) ? run + 1 : 0;
    if (run < k) continue;
    const i = j - k + 1;
    if (!sys.shingles.has(out.slice(i, j + 1).join(' '))) continue;
    if (first < 0) first = i;
    covered += i + k - Math.max(i, coveredUntil);
    coveredUntil = i + k;
  }
  // A short system prompt leaks when half of it is repeated; a long one at min_overlap_words.
  const needed = Math.max(k, Math.min(s.minOverlapWords, Math.ceil(sys.words / 2)));
  return covered >= needed ? { overlapWords: covered, systemPromptWords: sys.words, offset: first } : null;
}
