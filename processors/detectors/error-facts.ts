// What a failed item says about its failure, read once: status, class names, code, the
// gateway-reported provider, and one text to match message patterns against. The text is only
// ever matched, never copied into a signal; identifiers that do reach evidence pass safeToken.
import type { ErrorInfo } from '../../agent/core/model/llm-call.ts';

export interface ErrorFacts {
  readonly status: number | null;
  readonly code: string | null;
  /** error.type, then the exception events' types (module prefix already removed). */
  readonly classes: readonly string[];
  /** error.llm_provider when the gateway reports it. */
  readonly providerReported: string | null;
  /** error.message, exception messages and the code, joined for pattern matching. */
  readonly text: string;
}

export function readErrorFacts(error: ErrorInfo | null): ErrorFacts {
  if (error === null) return { status: null, code: null, classes: [], providerReported: null, text: '' };
  const classes: string[] = [];
  if (error.type !== null) classes.push(error.type);
  const texts: string[] = [];
  if (error.message !== null) texts.push(error.message);
  for (const e of error.exceptions) {
    if (e.type !== null && !classes.includes(e.type)) classes.push(e.type);
    if (e.message !== null && e.message !== error.message) texts.push(e.message);
  }
  if (error.code !== null) texts.push(error.code);
  return { status: error.httpStatus, code: error.code, classes, providerReported: error.provider, text: texts.join('\n') };
}

export function hasClass(facts: ErrorFacts, names: ReadonlySet<string>): string | null {
  for (const c of facts.classes) if (names.has(c)) return c;
  return null;
}

// Identifiers only: class names and codes such as "RateLimitError" or "insufficient_quota".
const TOKEN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
// Anything that looks like a credential is dropped even when it is shaped like an identifier.
const SECRET_LIKE = /^(?:sk|pk|rk|ak)[-_]|[A-Za-z0-9]{32,}/i;

/** The value when it is a short identifier that cannot be a secret, else null. */
export function safeToken(value: string | null): string | null {
  if (value === null || !TOKEN.test(value) || SECRET_LIKE.test(value)) return null;
  return value;
}
