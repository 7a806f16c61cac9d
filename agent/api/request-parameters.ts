// Query and path parameters, parsed with the route's zod schema (the same schema the OpenAPI
// document is built from). A bad parameter is a 400 naming it: every problem is in the message,
// the first one's parameter in `parameter`. Values are compared with stored text, in which NUL
// and lone surrogates were replaced by U+FFFD: a value is made storable the same way, so it
// matches what the agent stored and never reaches PostgreSQL as text it refuses.
import { z } from 'zod';
import { toConfigIssues } from '../../config/zod-issues.ts';
import { storableText } from '../core/model/storable-text.ts';
import { ApiError } from './api-error.ts';

type In = 'query' | 'path';

export function parseParameters<T extends z.ZodObject>(schema: T, input: unknown, location: In): z.output<T> {
  const raw = (input ?? {}) as Record<string, unknown>;
  // A repeated query parameter arrives as a list; say so rather than "expected a string".
  const repeated = Object.keys(raw).find((k) => Array.isArray(raw[k]));
  if (repeated !== undefined) {
    throw invalid(repeated, `${repeated}: given more than once; give it once`);
  }
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) values[k] = typeof v === 'string' ? storableText(v) : v;
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data;
  const known = Object.keys(schema.shape);
  const issues = toConfigIssues(
    parsed.error,
    values,
    [],
    `unknown ${location} parameter; this endpoint accepts: ${known.join(', ') || 'none'}`,
  );
  const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw invalid(issues[0]?.path ?? '', message);
}

function invalid(parameter: string, message: string): ApiError {
  return new ApiError(400, 'invalid_parameter', message, { parameter });
}

/** An RFC 3339 timestamp with an offset or Z, e.g. 2026-11-22T08:00:00Z. */
export const rfc3339 = () =>
  z.iso.datetime({
    offset: true,
    error: 'expected an RFC 3339 timestamp with a zone, e.g. 2026-11-22T08:00:00Z (in a URL, write a + offset as %2B)',
  });

/** A page size: a whole number from 1 to `max`. */
export const pageLimit = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, { error: `expected a whole number from 1 to ${max}` })
    .transform(Number)
    .pipe(
      z
        .int()
        .min(1, { error: `expected a whole number from 1 to ${max}` })
        .max(max, { error: `expected at most ${max} (the largest page this API serves)` }),
    );
