// Event times as ISO text and back, the common shape (years 1970-9999, UTC, milliseconds:
// 2026-01-05T09:05:00.850Z) done by arithmetic: Date.parse and toISOString cost microseconds
// each, as much as the rest of assessing a failure. Any other shape goes to Date itself.

const DAY_MS = 86_400_000;
/** 9999-12-31T23:59:59.999Z: the last time toISOString writes with four year digits. */
const MAX_FAST_MS = 253_402_300_799_999;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

const digit = (text: string, i: number) => text.charCodeAt(i) - 48;
const twoDigits = (text: string, i: number) => {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
};
/** The - - T : : . of YYYY-MM-DDTHH:MM:SS.sssZ in their places. */
const hasIsoSeparators = (text: string) =>
  text.charCodeAt(4) === 45 &&
  text.charCodeAt(7) === 45 &&
  text.charCodeAt(10) === 84 &&
  text.charCodeAt(13) === 58 &&
  text.charCodeAt(16) === 58 &&
  text.charCodeAt(19) === 46;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Date.parse, without its cost for text of the shape toISOString writes. */
export function parseIsoTime(text: string): number {
  if (text.length !== 24 || text.charCodeAt(23) !== 90 /* Z */) return Date.parse(text);
  if (!hasIsoSeparators(text)) return Date.parse(text);
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hour = twoDigits(text, 11);
  const minute = twoDigits(text, 14);
  const second = twoDigits(text, 17);
  const msHigh = twoDigits(text, 20);
  const msLow = digit(text, 22);
  const year = century * 100 + yy;
  if (century < 19 || yy < 0 || year < 1970 || month < 1 || month > 12 || day < 1) return Date.parse(text);
  if (day > (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1])) return Date.parse(text);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Date.parse(text);
  if (msHigh < 0 || msLow < 0 || msLow > 9) return Date.parse(text);
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + msHigh * 10 + msLow;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** new Date(ms).toISOString(), without its cost for times in 1970-9999. */
export function formatIsoTime(ms: number): string {
  if (!(ms >= 0 && ms <= MAX_FAST_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  // H. Hinnant's civil_from_days, for days since 1970-01-01 (non-negative here).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}.${pad3(milli)}Z`;
}

/** An event time's ISO text, kept with the time it was made for: a subject is put out again and again with the same first time. */
export interface IsoText {
  ms: number;
  text: string;
}

export const createIsoText = (): IsoText => ({ ms: NaN, text: '' });

/** The ISO text of ms, made again only when ms is not the time the text was made for. */
export function isoTextOf(kept: IsoText, ms: number): string {
  if (kept.ms !== ms) {
    kept.text = formatIsoTime(ms);
    kept.ms = ms;
  }
  return kept.text;
}
