// Named entities for the grounding screen, without a model: runs of capitalised words
// ("Marie Curie", "Acme Robotics GmbH"), joined by a few particles (of, de, van…), that do not start
// a sentence or a line (where every word is capitalised). Each is grounded when its case- and
// diacritic-folded text occurs in the folded context. Only counts leave this file: an entity is
// often a person's name.
import { FENCED_BLOCK, URL_PATTERN } from './code-spans.ts';

const WORD = /\p{Lu}[\p{L}\p{M}'’-]*/uy;
const PARTICLES = new Set(['of', 'de', 'del', 'der', 'van', 'von', 'da', 'di', 'la', 'le', 'du', 'and', '&']);
// Capitalised words that are not names (pronoun, weekdays, months are context-free and common),
// and the greetings and sign-offs of a polite reply ("Dear …", "Kind Regards").
const COMMON = new Set([
  'I',
  'I’m',
  "I'm",
  'I’ll',
  "I'll",
  'I’ve',
  "I've",
  'OK',
  'Yes',
  'No',
  'Note',
  'However',
  'The',
  'This',
  'That',
  'These',
  'Those',
  'It',
  'In',
  'On',
  'For',
  'And',
  'But',
  'If',
  'As',
  'At',
  'To',
  'A',
  'An',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
  'Dear',
  'Hi',
  'Hello',
  'Hey',
  'Thanks',
  'Thank',
  'Please',
  'Best',
  'Kind',
  'Warm',
  'Regards',
  'Sincerely',
  'Cheers',
  'Yours',
]);
// Upper-case SQL keywords ("GROUP BY", "ORDER BY") are code, not organisations.
const SQL_KEYWORDS = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'GROUP',
  'ORDER',
  'BY',
  'HAVING',
  'LIMIT',
  'OFFSET',
  'JOIN',
  'LEFT',
  'RIGHT',
  'INNER',
  'OUTER',
  'ON',
  'AS',
  'AND',
  'OR',
  'NOT',
  'NULL',
  'IS',
  'IN',
  'DESC',
  'ASC',
  'DISTINCT',
  'COUNT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'INSERT',
  'INTO',
  'VALUES',
  'UPDATE',
  'SET',
  'DELETE',
  'CREATE',
  'TABLE',
  'ALTER',
  'DROP',
  'UNION',
  'ALL',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'WITH',
  'OVER',
  'PARTITION',
  'RETURNING',
]);

export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Entity strings of the answer, deduplicated, in order of appearance. */
export function extractEntities(answer: string): string[] {
  const text = prose(answer);
  const found = new Set<string>();
  let i = 0;
  while (i < text.length) {
    WORD.lastIndex = i;
    const m = WORD.exec(text);
    if (m === null || (i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1]))) {
      i++;
      continue;
    }
    if (SQL_KEYWORDS.has(m[0])) {
      i += m[0].length;
      continue;
    }
    const startsSentence = isSentenceStart(text, i);
    const words = [m[0]];
    let end = i + m[0].length;
    // Extend over "Word Word", "Word of Word".
    for (;;) {
      const next = /^[ \t]+(\S+)/.exec(text.slice(end, end + 40));
      if (next === null) break;
      const w = next[1];
      const at = end + next[0].length - w.length;
      WORD.lastIndex = at;
      const cap = WORD.exec(text);
      if (cap !== null && cap[0].length === w.replace(/[.,;:!?)]+$/, '').length && !SQL_KEYWORDS.has(cap[0])) {
        words.push(cap[0]);
        end = at + cap[0].length;
        continue;
      }
      if (PARTICLES.has(w) && /^[ \t]+\p{Lu}/u.test(text.slice(at + w.length, at + w.length + 3))) {
        words.push(w);
        end = at + w.length;
        continue;
      }
      break;
    }
    while (words.length > 0 && PARTICLES.has(words[words.length - 1])) words.pop();
    // At a sentence start a lone capitalised word is just the first word; a run is still a name.
    const trimmed = startsSentence && (words.length === 1 || COMMON.has(words[0])) ? words.slice(1) : words;
    const entity = trimmed.filter((w, k) => k > 0 || !COMMON.has(w)).join(' ');
    if (entity !== '' && !(trimmed.length === 1 && (COMMON.has(entity) || isShortAcronym(entity)))) found.add(entity.replace(/[’']s$/, ''));
    i = end;
  }
  return [...found];
}

export interface EntityTally {
  readonly checked: number;
  readonly ungrounded: number;
}

export function screenEntities(answer: string, foldedContext: string): EntityTally {
  let checked = 0;
  let ungrounded = 0;
  for (const e of extractEntities(answer)) {
    checked++;
    if (!foldedContext.includes(fold(e))) ungrounded++;
  }
  return { checked, ungrounded };
}

function isSentenceStart(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t' || text[j] === '"' || text[j] === '“' || text[j] === '*' || text[j] === '(')) j--;
  return (
    j < 0 ||
    text[j] === '\n' ||
    text[j] === '.' ||
    text[j] === '!' ||
    text[j] === '?' ||
    text[j] === ':' ||
    text[j] === '-' ||
    /\d/.test(text[j])
  );
}

// Fenced blocks, inline code and URLs hold identifiers, not names; a block ends a line. A polite
// reply's greeting ("Dear Ms Jones,") and sign-off ("Kind regards, Sarah") are manners, not facts.
const GREETING = /^[ \t]*(?:dear|hi|hello|hey)\b[^,\n]{0,40},/gimu;
const SIGN_OFF =
  /(?:^|[\s.!])(?:(?:kind|best|warm|warmest)\s+regards|regards|sincerely|yours\s+(?:truly|sincerely)|best\s+wishes|cheers)\s*,[\s\S]*$/iu;
const prose = (text: string): string =>
  text
    .replace(FENCED_BLOCK, '\n')
    .replace(/`[^`\n]*`/g, ' ')
    .replace(URL_PATTERN, ' ')
    .replace(GREETING, '')
    .replace(SIGN_OFF, '');

const isShortAcronym = (w: string): boolean => w.length <= 3 && w === w.toUpperCase();
