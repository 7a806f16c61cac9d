// Checkable facts in a text, for the hallucination screen (grounding.ts): numbers (1,200 = 1200,
// 1.2k = 1200, 12%), currency amounts, dates in ISO, US and written forms, identifiers (digit groups
// joined by hyphens, or six digits and more), URLs and citation markers. Dates, URLs and
// identifiers are taken out first so their digits are not read again as numbers.

export type FactKind = 'number' | 'percent' | 'currency' | 'date' | 'identifier' | 'url' | 'citation';

export interface Fact {
  readonly kind: FactKind;
  /** Canonical value: a number's value as a string, y-m-d for a date, the folded URL, the citation number. */
  readonly value: string;
  /** Written with a magnitude word or suffix (1.2k, 3 million): compared approximately. */
  readonly approximate: boolean;
}

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';

const URL_RE = /\bhttps?:\/\/[^\s<>()[\]{}"'`]+/gi;
const CITATION_RE = /\[(\d{1,3})\]/g;
const ISO_DATE_RE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
const SLASH_DATE_RE = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/g;
const MONTH_FIRST_RE = new RegExp(`\\b${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'gi');
const DAY_FIRST_RE = new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH}\\s+(\\d{4})\\b`, 'gi');
const MONTH_MARK =
  /\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\d(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i;
const IDENTIFIER_RE = /\b\d+(?:-\d+){2,}\b|\b\d{6,}\b/g;
const NUMBER_RE =
  /(?<![\w.])([$€£¥])?\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(k|m|bn|thousand|million|billion|trillion)\b)?(\s?%|\s?percent\b)?(\s?(?:usd|eur|gbp|dollars?|euros?|pounds?)\b)?/gi;
const MAGNITUDE: Readonly<Record<string, number>> = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, bn: 1e9, billion: 1e9, trillion: 1e12 };

export function extractFacts(text: string): Fact[] {
  const facts: Fact[] = [];
  let rest = text;
  const take = (re: RegExp, toFact: (m: RegExpExecArray) => Fact | null): void => {
    rest = rest.replace(re, (...args) => {
      const m = args as unknown as RegExpExecArray;
      const fact = toFact(m);
      if (fact !== null) facts.push(fact);
      return ' '.repeat(m[0].length);
    });
  };
  // Each pattern runs only when its cheap marker is in the text: this reads every prompt.
  if (text.includes('http')) take(URL_RE, (m) => ({ kind: 'url', value: foldUrl(m[0]), approximate: false }));
  if (text.includes('[')) take(CITATION_RE, (m) => ({ kind: 'citation', value: String(Number(m[1])), approximate: false }));
  if (text.includes('-')) take(ISO_DATE_RE, (m) => date(+m[1], +m[2], +m[3]));
  if (text.includes('/')) take(SLASH_DATE_RE, (m) => date(+m[3], +m[1], +m[2]));
  if (MONTH_MARK.test(text)) {
    take(MONTH_FIRST_RE, (m) => date(+m[3], MONTHS[m[1].toLowerCase().replace('.', '')], +m[2]));
    take(DAY_FIRST_RE, (m) => date(+m[3], MONTHS[m[2].toLowerCase().replace('.', '')], +m[1]));
  }
  take(IDENTIFIER_RE, (m) => ({ kind: 'identifier', value: m[0].replace(/\D/g, ''), approximate: false }));
  for (const m of rest.matchAll(NUMBER_RE)) {
    const [, currency, digits, magnitude, percent, currencyWord] = m;
    let value = Number(digits.replace(/,/g, ''));
    if (!Number.isFinite(value)) continue;
    if (magnitude !== undefined) value *= MAGNITUDE[magnitude.toLowerCase()];
    const kind: FactKind = percent !== undefined ? 'percent' : currency !== undefined || currencyWord !== undefined ? 'currency' : 'number';
    facts.push({ kind, value: canonicalNumber(value), approximate: magnitude !== undefined });
  }
  return facts;
}

/** `en-US` folding of a URL for comparison: no scheme, no trailing punctuation or slash, lower case. */
export function foldUrl(url: string): string {
  return url
    .replace(/^https?:\/\//i, '')
    .replace(/[.,;:!?]+$/, '')
    .replace(/\/$/, '')
    .toLowerCase();
}

function date(y: number, m: number | undefined, d: number): Fact | null {
  if (m === undefined || m < 1 || m > 12 || d < 1 || d > 31) return null;
  return { kind: 'date', value: `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`, approximate: false };
}

const canonicalNumber = (n: number): string => String(Math.round(n * 1e6) / 1e6);
