// language_drift: the answer's language differs from the user's (tinyld: small, offline, no model download). Code and
// JSON answers are skipped, as are texts too short to judge, texts tinyld cannot place with
// confidence, and requests that ask for another language (a translation, or a user or system
// prompt naming the answer's language).
import { detectAll, langName, toISO3 } from 'tinyld';
import { FENCED_BLOCK, URL_PATTERN } from './code-spans.ts';

// tinyld's accuracy for its best guess. Terse label-style text ("Category: bug. Priority: high.",
// "EMEA revenue grew 12% in Q3") gets a best guess of 0.02–0.04, often French or Latin, barely
// ahead of the next; prose scores 0.5–1, and UI-heavy prose ("go to Home → Conditional
// Formatting → …") about 0.07, three times its runner-up.
const MIN_ACCURACY = 0.05;
const CONFIDENT = 0.5;
const MIN_LEAD = 2;

export interface LanguageInput {
  /** The last user turns, most recent last, capped. */
  readonly userText: string;
  readonly systemPrompt: string;
  readonly answer: string;
}

export interface LanguageLimits {
  readonly minLetters: number;
  readonly sampleChars: number;
}

export interface LanguageResult {
  readonly input: string;
  readonly output: string;
  /** Why it was not judged, when it was not. */
  readonly skipped: 'code' | 'too_short' | 'unknown' | 'requested' | null;
}

export function compareLanguages(x: LanguageInput, limits: LanguageLimits): LanguageResult {
  if (looksLikeCode(x.answer)) return { input: '', output: '', skipped: 'code' };
  const user = prose(x.userText.slice(-limits.sampleChars));
  const answer = prose(x.answer.slice(0, limits.sampleChars));
  if (letters(user) < limits.minLetters || letters(answer) < limits.minLetters) return { input: '', output: '', skipped: 'too_short' };
  // Most traffic is English both ways: plain function words settle it without tinyld (~1 ms a call).
  if (plainlyEnglish(user) && plainlyEnglish(answer)) return { input: 'en', output: 'en', skipped: null };
  const input = identify(user);
  const output = identify(answer);
  if (input === '' || output === '') return { input, output, skipped: 'unknown' };
  if (input === output) return { input, output, skipped: null };
  const asked = `${x.userText} ${x.systemPrompt}`.toLowerCase();
  const name = langName(toISO3(output)).toLowerCase();
  if (/translat|übersetz|tradu/.test(asked) || (name !== '' && asked.includes(name))) return { input, output, skipped: 'requested' };
  return { input, output, skipped: null };
}

/** The language tinyld places the text in, or '' when its best guess is weak or barely ahead. */
function identify(text: string): string {
  const [best, next] = detectAll(text);
  if (best === undefined || best.accuracy < MIN_ACCURACY) return '';
  return best.accuracy >= CONFIDENT || next === undefined || best.accuracy >= MIN_LEAD * next.accuracy ? best.lang : '';
}

// English function words that are not also common words of another Latin-script language (no
// "a", "in", "is", "on", "to", "die", "was", "will", "of", "as", "an").
// Short prompts ("Explain the difference between … in two sentences.") hold one or two of the
// commonest, so common English-only verbs and adverbs of requests and answers count too.
const ENGLISH_WORDS = new Set([
  'the',
  'and',
  'that',
  'this',
  'with',
  'for',
  'you',
  'your',
  'are',
  'have',
  'has',
  'been',
  'from',
  'which',
  'would',
  'there',
  'their',
  'they',
  'it',
  'its',
  'be',
  'not',
  'by',
  'can',
  'what',
  'when',
  'we',
  'our',
  'were',
  'should',
  'could',
  'about',
  'how',
  'why',
  'who',
  'does',
  'did',
  'please',
  'between',
  'into',
  'than',
  'then',
  'them',
  'these',
  'those',
  'some',
  'more',
  'only',
  'also',
  'just',
  'each',
  'every',
  'after',
  'before',
  'because',
  'but',
  'if',
  'two',
  'three',
  'explain',
  'write',
  'give',
  'tell',
  'describe',
  'summarize',
  'summarise',
  'make',
  'makes',
  'using',
  'usually',
  'never',
  'always',
  'without',
  'other',
  'over',
  'here',
  'where',
]);
const MIN_ENGLISH_WORDS = 2;
const MIN_ENGLISH_SHARE = 0.12;
// Function words of the other Latin-script languages users write in, that English text does not
// use: a German or Spanish sentence quoting an English title ("Art for the People") has several.
const FOREIGN_WORDS = new Set([
  'der',
  'die',
  'das',
  'und',
  'ist',
  'nicht',
  'ein',
  'eine',
  'mit',
  'auf',
  'sie',
  'wir',
  'ich',
  'sind',
  'aber',
  'oder',
  'auch',
  'im',
  'el',
  'los',
  'las',
  'y',
  'es',
  'una',
  'con',
  'para',
  'por',
  'pero',
  'del',
  'muy',
  'est',
  'et',
  'les',
  'le',
  'une',
  'des',
  'du',
  'avec',
  'pour',
  'mais',
  'nous',
  'vous',
  'sont',
  'dans',
  'il',
  'che',
  'di',
  'della',
  'sono',
  'non',
  'het',
  'een',
  'van',
  'zijn',
  'niet',
  'não',
  'os',
  'uma',
  'com',
  'em',
]);
const MAX_FOREIGN_WORDS = 1;

/** At least two words, and an eighth or so of all, are common English-only words, and at most one
 *  is a function word of another language (a name such as "El Paso"). */
function plainlyEnglish(text: string): boolean {
  const words = text.toLowerCase().match(/[a-z\u00c0-\u024f]+/g);
  if (words === null) return false;
  let hits = 0;
  let foreign = 0;
  for (const w of words) {
    if (ENGLISH_WORDS.has(w)) hits++;
    else if (FOREIGN_WORDS.has(w)) foreign++;
  }
  return hits >= MIN_ENGLISH_WORDS && hits / words.length >= MIN_ENGLISH_SHARE && foreign <= MAX_FOREIGN_WORDS;
}

/** JSON, or mostly fenced code. */
function looksLikeCode(text: string): boolean {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) return true;
  let fenced = 0;
  for (const m of text.matchAll(FENCED_BLOCK)) fenced += m[0].length;
  return fenced > text.length / 2;
}

// Code blocks, inline code and URLs say nothing about the language of the prose around them; nor
// do capitalised words inside a sentence (names, products, UI labels), which tinyld otherwise
// reads as a language of their own ("… Marta Lindqvist of Frontier Logistics" scores Klingon).
const MID_SENTENCE_CAPITALISED = /(?<![.!?:]\s|^)(?<=\s|["“(])\p{Lu}[\p{L}\p{M}'’-]*/gmu;
const prose = (text: string): string =>
  text
    .replace(FENCED_BLOCK, ' ')
    .replace(/`[^`]*`/g, ' ')
    .replace(URL_PATTERN, ' ')
    .replace(MID_SENTENCE_CAPITALISED, ' ');

const letters = (text: string): number => text.match(/\p{L}/gu)?.length ?? 0;
