// A Finding is a rule's verdict on one failed item, before it becomes a Signal: what it is, how it
// was decided (status, class, code or message), how sure, and the rule's name. Rules are small
// pure functions over ErrorFacts; a detector is an ordered list of them, first match wins.
import type { Signal } from '../../agent/core/model/signal.ts';
import type { Category } from '../../agent/core/model/taxonomy.ts';
import { hasClass, type ErrorFacts } from './error-facts.ts';
import { matchPattern, PATTERNS, type PatternName } from './message-patterns.ts';

export type DetectionMethod =
  | 'status_code'
  | 'error_class'
  | 'error_code'
  | 'message_pattern'
  | 'rate_limit_headers'
  | 'finish_reason'
  | 'guardrail'
  | 'latency_sla'
  | 'span_status';

export interface Finding {
  readonly category: Category;
  readonly subtype: string;
  readonly method: DetectionMethod;
  readonly confidence: number;
  /** Stable rule name for evidence, e.g. `status:429`, `class:Timeout`, `pattern:overloaded`. */
  readonly rule: string;
  readonly evidence?: Record<string, unknown>;
  readonly fields?: Signal['fields'];
}

export type Rule = (facts: ErrorFacts) => Finding | null;

export function firstFinding(rules: readonly Rule[], facts: ErrorFacts): Finding | null {
  for (const rule of rules) {
    const found = rule(facts);
    if (found !== null) return found;
  }
  return null;
}

/** The first rule that matches, so one rule can be "by status, else by class, else by message". */
export const anyOf =
  (...rules: Rule[]): Rule =>
  (facts) =>
    firstFinding(rules, facts);

export function statusRule(
  subtype: string,
  statuses: readonly number[] | ((status: number) => boolean),
  category: Category = 'provider',
): Rule {
  const matches = typeof statuses === 'function' ? statuses : (s: number) => statuses.includes(s);
  return (f) =>
    f.status !== null && matches(f.status) ? { category, subtype, method: 'status_code', confidence: 1, rule: `status:${f.status}` } : null;
}

export function classRule(subtype: string, classes: readonly string[], category: Category = 'provider'): Rule {
  const names = new Set(classes);
  return (f) => {
    const c = hasClass(f, names);
    return c === null ? null : { category, subtype, method: 'error_class', confidence: 1, rule: `class:${c}` };
  };
}

export function codeRule(subtype: string, codes: readonly string[], category: Category = 'provider'): Rule {
  return (f) =>
    f.code !== null && codes.includes(f.code) ? { category, subtype, method: 'error_code', confidence: 1, rule: `code:${f.code}` } : null;
}

export function patternRule(
  subtype: string,
  names: readonly PatternName[],
  when: (f: ErrorFacts) => boolean = () => true,
  category: Category = 'provider',
): Rule {
  return (f) => {
    if (!when(f)) return null;
    const name = matchPattern(f.text, names);
    return name === null
      ? null
      : { category, subtype, method: 'message_pattern', confidence: PATTERNS[name].confidence, rule: `pattern:${name}` };
  };
}

/** Rewrites what a rule found (another subtype, extra evidence) without repeating its test. */
export function mapFinding(rule: Rule, change: (found: Finding, facts: ErrorFacts) => Finding): Rule {
  return (f) => {
    const found = rule(f);
    return found === null ? null : change(found, f);
  };
}

// Message rules only speak where the status does not already say otherwise.
export const statusUnknownOrServer = (f: ErrorFacts): boolean => f.status === null || f.status >= 500;
export const statusUnknownOrClient = (f: ErrorFacts): boolean => f.status === null || (f.status >= 400 && f.status < 500);
