// Turns zod issues into ConfigIssues that say what was expected, where, and what was given:
// `processors.correlator.window_ms: expected a positive integer (milliseconds), got "30s"`.
import type { z } from 'zod';
import type { ConfigIssue } from './errors.ts';

export function toConfigIssues(
  error: z.ZodError,
  input: unknown,
  prefix: (string | number)[],
  unknownKeyMessage = 'unknown key; check the spelling against the component reference',
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...path, key]), message: unknownKeyMessage });
      }
      continue;
    }
    const got = valueAt(input, issue.path as (string | number)[]);
    issues.push({ path: formatPath(path), message: describeIssue(issue, got) });
  }
  return issues;
}

export function formatPath(path: (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, got: { present: boolean; value: unknown }): string {
  const shown = got.present ? `, got ${show(got.value)}` : '';
  // A schema-supplied message (z.number({ error: '…' })) is already phrased for users.
  if (!issue.message.startsWith('Invalid') && !issue.message.startsWith('Too ')) {
    const structured = got.value !== null && typeof got.value === 'object';
    return issue.message + (issue.message.includes(', got ') || structured ? '' : shown);
  }
  switch (issue.code) {
    case 'invalid_type':
      if (!got.present) return `required: expected ${article(issue.expected)}`;
      return `expected ${article(issue.expected)}${shown}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${shown}`;
    case 'too_small':
      return `expected ${bound(issue, 'at least', 'more than')}${shown}`;
    case 'too_big':
      return `expected ${bound(issue, 'at most', 'less than')}${shown}`;
    case 'invalid_format':
      return `expected a valid ${issue.format}${shown}`;
    case 'invalid_union':
      return `matches none of the allowed shapes${shown}`;
    default:
      return issue.message + shown;
  }
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig, inclusive: string, exclusive: string): string {
  const limit = 'minimum' in issue ? issue.minimum : issue.maximum;
  const cmp = issue.inclusive === false ? exclusive : inclusive;
  switch (issue.origin) {
    case 'string':
      return `a string of ${cmp} ${limit} characters`;
    case 'array':
    case 'set':
      return `${cmp} ${limit} items`;
    default:
      return `a number ${cmp} ${limit}`;
  }
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  if (type === 'int') return 'an integer';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 77)}..."` : s;
}

function valueAt(input: unknown, path: (string | number)[]): { present: boolean; value: unknown } {
  let cur: unknown = input;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object' || !(p in (cur as object))) return { present: false, value: undefined };
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return { present: true, value: cur };
}
