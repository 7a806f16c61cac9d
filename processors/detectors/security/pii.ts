// PII in a completion, the Presidio way (recognizer, validator, context): a weak pattern proposes a candidate, a
// checksum or format rule keeps or drops it, context words nearby raise the confidence. Only the
// type, offset and a masked excerpt of each hit leave this module.
import { maskDigits, maskEmail, maskValue } from './mask.ts';

export type PiiType = 'credit_card' | 'iban' | 'us_ssn' | 'email' | 'phone' | 'ip_address';

export interface PiiHit {
  readonly type: PiiType;
  readonly rule: string;
  readonly offset: number;
  /** Characters of the text the hit covers (never copied out of the call: comparisons only). */
  readonly length: number;
  readonly masked: string;
  readonly confidence: number;
}

const CONTEXT_WINDOW = 48;
const near = (text: string, offset: number, re: RegExp): boolean =>
  re.test(text.slice(Math.max(0, offset - CONTEXT_WINDOW), offset).toLowerCase());

const CARD = /(?<![\d-])[1-6](?:[ -]?\d){12,18}(?![\d-])/g;
const CARD_CONTEXT = /\b(?:credit|card|visa|mastercard|master card|cc|amex|american express|discover|jcb|diners|maestro|payment)\b/;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
const SSN = /(?<![\d-])(\d{3})([- .])(\d{2})\2(\d{4})(?![\d-])/g;
const SSN_CONTEXT = /\b(?:ssn|ssns|social security|social sec|ssid|tax id)\b/;
const EMAIL = /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b/g;
const RESERVED_EMAIL_DOMAIN = /@(?:[a-z0-9-]+\.)*(?:example\.(?:com|org|net)|test|invalid|localhost)$/i;
const PHONE_E164 = /(?<![\w+])\+[1-9]\d{7,14}(?!\d)/g;
const PHONE_NATIONAL = /(?<!\d)(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?!\d)/g;
const PHONE_CONTEXT = /\b(?:phone|call|tel|telephone|mobile|cell|fax|whatsapp|sms|text (?:me|him|her))\b/;
// Toll-free lines belong to businesses (hotlines, support desks), never to a person.
const TOLL_FREE_NANP = new Set(['800', '833', '844', '855', '866', '877', '888']);
const TOLL_FREE_E164 = /^\+(?:1(?:800|833|844|855|866|877|888)|44(?:800|808)|49800|33800|39800|61180|800)/;
const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.])/g;
const IP_CONTEXT = /\b(?:ip|ip address|client|user|customer|logged in from|login from|connected from|source address)\b/;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97: first four characters moved to the end, letters as 10..35, remainder 1. */
export function ibanValid(compact: string): boolean {
  if (compact.length < 15 || compact.length > 34) return false;
  const moved = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const v = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 48;
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

const allSame = (digits: string): boolean => /^(\d)\1*$/.test(digits);

export function findPii(text: string): PiiHit[] {
  const hits: PiiHit[] = [];
  for (const m of text.matchAll(CARD)) {
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 13 || digits.length > 19 || allSame(digits) || !luhnValid(digits)) continue;
    hits.push({
      type: 'credit_card',
      rule: 'pii:credit_card.luhn',
      offset: m.index,
      length: m[0].length,
      masked: maskDigits(digits),
      confidence: near(text, m.index, CARD_CONTEXT) ? 1 : 0.85,
    });
  }
  for (const m of text.matchAll(IBAN)) {
    const groups = m[0].split(' ');
    // The longest valid prefix of groups: a trailing capitalised word is not part of the IBAN.
    for (let n = groups.length; n >= 1; n--) {
      const compact = groups.slice(0, n).join('');
      if (!ibanValid(compact)) continue;
      hits.push({
        type: 'iban',
        rule: 'pii:iban.mod97',
        offset: m.index,
        length: m[0].length,
        masked: maskValue(compact, 4, 2),
        confidence: 0.95,
      });
      break;
    }
  }
  for (const m of text.matchAll(SSN)) {
    const [area, group, serial] = [m[1], m[3], m[4]];
    const digits = area + group + serial;
    if (area === '000' || area === '666' || area[0] === '9' || group === '00' || serial === '0000' || allSame(digits)) continue;
    if (digits === '123456789' || digits === '078051120' || digits.startsWith('98765432')) continue;
    const context = near(text, m.index, SSN_CONTEXT);
    hits.push({
      type: 'us_ssn',
      rule: 'pii:us_ssn.format',
      offset: m.index,
      length: m[0].length,
      masked: `***-**-${'*'.repeat(2)}${serial.slice(2)}`,
      confidence: context ? 0.95 : m[2] === '-' ? 0.6 : 0.4,
    });
  }
  // The email and E.164 patterns start at every word boundary; most texts have no '@' or '+'.
  if (text.includes('@'))
    for (const m of text.matchAll(EMAIL)) {
      if (RESERVED_EMAIL_DOMAIN.test(m[0])) continue;
      hits.push({ type: 'email', rule: 'pii:email', offset: m.index, length: m[0].length, masked: maskEmail(m[0]), confidence: 0.8 });
    }
  if (text.includes('+'))
    for (const m of text.matchAll(PHONE_E164)) {
      if (TOLL_FREE_E164.test(m[0])) continue;
      hits.push({
        type: 'phone',
        rule: 'pii:phone.e164',
        offset: m.index,
        length: m[0].length,
        masked: maskValue(m[0], 3, 2),
        confidence: near(text, m.index, PHONE_CONTEXT) ? 0.9 : 0.7,
      });
    }
  for (const m of text.matchAll(PHONE_NATIONAL)) {
    if (!near(text, m.index, PHONE_CONTEXT) || TOLL_FREE_NANP.has(m[0].replace(/\D/g, '').slice(0, 3))) continue;
    hits.push({
      type: 'phone',
      rule: 'pii:phone.national_with_context',
      offset: m.index,
      length: m[0].length,
      masked: maskValue(m[0], 0, 2),
      confidence: 0.75,
    });
  }
  for (const m of text.matchAll(IPV4)) {
    if (!publicIpv4(m[0])) continue;
    hits.push({
      type: 'ip_address',
      rule: 'pii:ip_address.public',
      offset: m.index,
      length: m[0].length,
      masked: maskIp(m[0]),
      confidence: near(text, m.index, IP_CONTEXT) ? 0.7 : 0.4,
    });
  }
  return hits.sort((a, b) => a.offset - b.offset);
}

function publicIpv4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number);
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if ((a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127))
    return false;
  return true;
}

function maskIp(ip: string): string {
  const parts = ip.split('.');
  return `${parts[0]}.*.*.*`;
}
