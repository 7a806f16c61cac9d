// language_drift: the answer's language differs from the user's (tinyld: small, offline, no model download). Code and
// JSON answers are skipped, as are texts too short to judge, texts tinyld cannot place with
// confidence, and requests that ask for another language (a translation, or a user or system
// prompt naming the answer's language).
import { detectAll, langName, toISO3 } from 'tinyld';
import { FENCED_BLOCK, URL_PATTERN } from './code-spans.ts';
import { countLetters, markedLanguage, scriptLanguage } from './function-words.ts';

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

/**
 * The comparison as far as it can go without tinyld: code, too short, or both texts plainly in
 * one language (function words, or a script only one language uses). null: tinyld must judge.
 */
export function settleLanguages(x: LanguageInput, limits: LanguageLimits): LanguageResult | null {
  const texts = sampleTexts(x, limits);
  if ('skipped' in texts) return texts;
  const user = quickLanguage(texts.user);
  return user !== null && user === quickLanguage(texts.answer) ? { input: user, output: user, skipped: null } : null;
}

export function compareLanguages(x: LanguageInput, limits: LanguageLimits): LanguageResult {
  const texts = sampleTexts(x, limits);
  if ('skipped' in texts) return texts;
  const user = quickLanguage(texts.user);
  const answer = quickLanguage(texts.answer);
  if (user !== null && user === answer) return { input: user, output: user, skipped: null };
  // Plain evidence on one side settles it when tinyld agrees on the other, and a side tinyld
  // cannot place ends the comparison; only a disagreement needs tinyld's view of both.
  if (user !== null && answer === null) {
    const output = identify(texts.answer);
    if (output === '' || output === user) return judge(x, output === '' ? '' : user, output);
    return judge(x, identify(texts.user), output);
  }
  if (answer !== null && user === null) {
    const input = identify(texts.user);
    if (input === '' || input === answer) return judge(x, input, input === '' ? '' : answer);
    return judge(x, input, identify(texts.answer));
  }
  return judge(x, identify(texts.user), identify(texts.answer));
}

function judge(x: LanguageInput, input: string, output: string): LanguageResult {
  if (input === '' || output === '') return { input, output, skipped: 'unknown' };
  if (input === output) return { input, output, skipped: null };
  const asked = `${x.userText} ${x.systemPrompt}`.toLowerCase();
  const name = langName(toISO3(output)).toLowerCase();
  if (/translat|übersetz|tradu/.test(asked) || (name !== '' && asked.includes(name))) return { input, output, skipped: 'requested' };
  return { input, output, skipped: null };
}

/** The prose each side's language is judged on, or why it is not judged. */
function sampleTexts(x: LanguageInput, limits: LanguageLimits): { user: string; answer: string } | LanguageResult {
  if (looksLikeCode(x.answer)) return { input: '', output: '', skipped: 'code' };
  const user = prose(x.userText.slice(-limits.sampleChars));
  const answer = prose(x.answer.slice(0, limits.sampleChars));
  if (countLetters(user) < limits.minLetters || countLetters(answer) < limits.minLetters)
    return { input: '', output: '', skipped: 'too_short' };
  return { user, answer };
}

const quickLanguage = (text: string): string | null => markedLanguage(text) ?? scriptLanguage(text);

/** The language tinyld places the text in, or '' when its best guess is weak or barely ahead. */
function identify(text: string): string {
  const [best, next] = detectAll(text);
  if (best === undefined || best.accuracy < MIN_ACCURACY) return '';
  return best.accuracy >= CONFIDENT || next === undefined || best.accuracy >= MIN_LEAD * next.accuracy ? best.lang : '';
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
