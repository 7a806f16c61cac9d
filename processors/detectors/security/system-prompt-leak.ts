// System-prompt leak without a canary: the completion shares long word n-grams (shingles) with the
// system prompt. Both are normalised and split into words once; the prompt's words are indexed by
// position, and a run of k completion words that are all prompt words is compared in place.
import { normalizeText } from './normalize-text.ts';
import { detachedPrefix } from '../../../agent/core/model/storable-text.ts';

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

interface PromptIndex {
  readonly words: readonly string[];
  /** Every position of each word in `words`. */
  readonly at: ReadonlyMap<string, readonly number[]>;
}

// Most calls of a route share one system prompt: its index is built once and kept for the last
// few prompts seen (a Map in insertion order: the first inserted is evicted first). A prompt is
// its own key: no copy of it is made to look it up.
const CACHED_PROMPTS = 32;
const promptCache = new Map<number, Map<string, PromptIndex>>();

function promptIndex(systemPrompt: string, maxChars: number): PromptIndex {
  // Only the first maxChars are ever read, so they are the key: a copy of them, since a slice
  // would keep the huge prompt whole for as long as the key is cached.
  const key = systemPrompt.length > maxChars ? detachedPrefix(systemPrompt, maxChars) : systemPrompt;
  let cache = promptCache.get(maxChars);
  if (cache === undefined) promptCache.set(maxChars, (cache = new Map()));
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const sys = words(key, maxChars);
  const at = new Map<string, number[]>();
  for (let i = 0; i < sys.length; i++) {
    const list = at.get(sys[i]);
    if (list === undefined) at.set(sys[i], [i]);
    else list.push(i);
  }
  const built = { words: sys, at };
  if (cache.size >= CACHED_PROMPTS) cache.delete(cache.keys().next().value!);
  cache.set(key, built);
  return built;
}

/** Whether the k words of `out` from i occur in that order somewhere in the prompt. */
function inPrompt(sys: PromptIndex, out: readonly string[], i: number, k: number): boolean {
  for (const p of sys.at.get(out[i])!) {
    if (p + k > sys.words.length) break;
    let t = 1;
    while (t < k && sys.words[p + t] === out[i + t]) t++;
    if (t === k) return true;
  }
  return false;
}

export function findSystemPromptLeak(systemPrompt: string, output: string, s: LeakSettings): LeakResult | null {
  const k = s.shingleWords;
  const sys = promptIndex(systemPrompt, s.maxChars);
  if (sys.words.length < k) return null;
  const out = words(output, s.maxChars);
  let covered = 0;
  let coveredUntil = 0;
  let first = -1;
  // A shingle can only match where k words in a row are all prompt words; `run` counts the
  // prompt words ending at j, so only those positions are compared.
  let run = 0;
  for (let j = 0; j < out.length; j++) {
    run = sys.at.has(out[j]) ? run + 1 : 0;
    if (run < k) continue;
    const i = j - k + 1;
    if (!inPrompt(sys, out, i, k)) continue;
    if (first < 0) first = i;
    covered += i + k - Math.max(i, coveredUntil);
    coveredUntil = i + k;
  }
  // A short system prompt leaks when half of it is repeated; a long one at min_overlap_words.
  const needed = Math.max(k, Math.min(s.minOverlapWords, Math.ceil(sys.words.length / 2)));
  return covered >= needed ? { overlapWords: covered, systemPromptWords: sys.words.length, offset: first } : null;
}
