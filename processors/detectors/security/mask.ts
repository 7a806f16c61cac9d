// Masked excerpts for evidence: a detected PII or secret value is never copied into a signal; only
// its type, its offset and an excerpt with most characters replaced by `*` are.

/** Keeps `head` leading and `tail` trailing characters, stars the rest (at least half is starred). */
export function maskValue(value: string, head: number, tail: number): string {
  const keep = Math.max(0, Math.floor(value.length / 2));
  const h = Math.min(head, Math.floor(keep / 2));
  const t = Math.min(tail, keep - h);
  return value.slice(0, h) + '*'.repeat(value.length - h - t) + value.slice(value.length - t);
}

/** `4111********1111`: digits only, first four and last four kept. */
export function maskDigits(value: string): string {
  return maskValue(value.replace(/\D/g, ''), 4, 4);
}

/** `j***@e******.com`: first character of the local part and the top-level domain kept. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  const domain = value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  return `${value[0]}${'*'.repeat(Math.max(1, at - 1))}@${domain[0]}${'*'.repeat(Math.max(1, dot - 1))}${domain.slice(dot)}`;
}

/** A known, non-secret prefix kept as is (`sk-proj-`), then stars, then the last four characters. */
export function maskSecret(value: string, prefix: string): string {
  const rest = value.slice(prefix.length);
  return prefix + maskValue(rest, 0, rest.length >= 20 ? 4 : 0);
}
