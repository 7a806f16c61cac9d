// FailureEvent: the typed record of one failure, a discriminated union on `category`, what every
// exporter and the API hand on. Built only through createFailureEvent, which rejects invalid values with a message
// naming the field, so nothing malformed reaches an exporter.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Category, Severity, subtypeSchema } from './taxonomy.ts';

export const SCHEMA_VERSION = 1;

const hexId = (bytes: number) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), { error: `expected ${bytes * 2} lowercase hex characters` });
const count = z.number().int().nonnegative();

export const ImpactScope = z.strictObject({
  requests: count.describe('Requests affected, as far as this event knows (1 for a single call).'),
  users: count.describe('Distinct end users affected (counted from hashed ids, never stored raw).'),
  teams: count.describe('Distinct teams affected.'),
  team: z.string().nullable().describe('The team of the source call, when there is one.'),
  route: z.string().nullable().describe('The gateway route of the source call.'),
  recovered: z.boolean().nullable().describe('Whether the client request still succeeded (retry or fallback); null when unknown.'),
});
export type ImpactScope = z.infer<typeof ImpactScope>;

export const SecondaryMatch = z.strictObject({
  category: Category,
  subtype: z.string(),
  detection_method: z.string(),
});
export type SecondaryMatch = z.infer<typeof SecondaryMatch>;

// Category fields. Each is nullable where a detector may not know it.
export const ProviderFields = z.strictObject({
  http_status: z
    .number()
    .int()
    .min(400, { error: 'expected an HTTP error status (400–599)' })
    .max(599, { error: 'expected an HTTP error status (400–599)' })
    .nullable(),
  retry_after_sec: z.number().nonnegative().nullable(),
  error_class: z.string().nullable(),
});
export const QualityFields = z.strictObject({
  confidence: z.number().min(0).max(1),
});
export const CostFields = z.strictObject({
  input_tokens: z.number().int().positive().nullable(),
  output_tokens: z.number().int().positive().nullable(),
  total_tokens: z.number().int().positive().nullable(),
  cost_usd: z.number().nonnegative().nullable(),
  budget_usd: z.number().nonnegative().nullable(),
  overage_usd: z.number().nonnegative().nullable(),
});
export const SecurityFields = z.strictObject({
  threat_type: z.string().min(1),
  blocked: z.boolean(),
  matched_pattern: z.string().nullable().describe('The rule that matched (a pattern name, never the matched text).'),
  confidence: z.number().min(0).max(1),
});
export const DataFields = z.strictObject({
  drift_score: z.number().min(0).max(1).nullable(),
  collection: z.string().nullable(),
  documents_affected: count.nullable(),
});

const common = {
  schema_version: z.literal(SCHEMA_VERSION),
  failure_id: hexId(16).describe('Deterministic from the source identity and subtype: a re-delivered span gives the same id.'),
  timestamp: z.iso.datetime({ offset: true }).describe('Event time (the source span end), RFC 3339.'),
  severity: Severity,
  provider: z.string().min(1),
  model: z.string().nullable(),
  detection_method: z.string().regex(/^[a-z][a-z0-9_]*$/),
  evidence: z.record(z.string(), z.unknown()).describe('The causal signals, redacted: no raw secrets or PII.'),
  impact_scope: ImpactScope,
  trace_id: hexId(16).nullable(),
  span_id: hexId(8).nullable().describe('null for window-level events, which list member_spans instead.'),
  member_spans: z.array(z.string()).describe('For window-level events: the spans that made up the window.'),
  secondary: z.array(SecondaryMatch).describe('Other categories that also matched, lower in priority.'),
};

export const ProviderFailure = z.strictObject({
  ...common,
  category: z.literal('provider'),
  subtype: subtypeSchema('provider'),
  ...ProviderFields.shape,
});
export const QualityFailure = z.strictObject({
  ...common,
  category: z.literal('quality'),
  subtype: subtypeSchema('quality'),
  ...QualityFields.shape,
});
export const CostFailure = z.strictObject({ ...common, category: z.literal('cost'), subtype: subtypeSchema('cost'), ...CostFields.shape });
export const SecurityFailure = z.strictObject({
  ...common,
  category: z.literal('security'),
  subtype: subtypeSchema('security'),
  ...SecurityFields.shape,
});
export const DataFailure = z.strictObject({ ...common, category: z.literal('data'), subtype: subtypeSchema('data'), ...DataFields.shape });

export const FailureEvent = z.discriminatedUnion('category', [ProviderFailure, QualityFailure, CostFailure, SecurityFailure, DataFailure]);
export type FailureEvent = z.infer<typeof FailureEvent>;
export type ProviderFailure = z.infer<typeof ProviderFailure>;
export type QualityFailure = z.infer<typeof QualityFailure>;
export type CostFailure = z.infer<typeof CostFailure>;
export type SecurityFailure = z.infer<typeof SecurityFailure>;
export type DataFailure = z.infer<typeof DataFailure>;

export class InvalidFailureEventError extends Error {
  readonly code = 'FL_INVALID_FAILURE_EVENT';
  constructor(readonly problems: string[]) {
    super(`Invalid FailureEvent: ${problems.join('; ')}`);
    this.name = 'InvalidFailureEventError';
  }
}

/** Validates and returns the event; throws InvalidFailureEventError naming each bad field. */
export function createFailureEvent(input: unknown): FailureEvent {
  const parsed = FailureEvent.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new InvalidFailureEventError(describeProblems(parsed.error));
}

/** One line per problem, naming the field: events are built by code, so zod's own wording will do. */
function describeProblems(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${path ? `${path}.` : ''}${k}: not a FailureEvent field`);
    return [path ? `${path}: ${issue.message}` : issue.message];
  });
}

/** The id of an event about one span: the same span and subtype always give the same id. */
export function failureIdForSpan(traceId: string, spanId: string, category: string, subtype: string): string {
  return createHash('sha256').update(`${traceId}/${spanId}/${category}/${subtype}`).digest('hex').slice(0, 32);
}

/** The id of a window-level event: its kind, scope and window start. */
export function failureIdForWindow(category: string, subtype: string, scope: string, windowStartMs: number): string {
  return createHash('sha256').update(`window/${category}/${subtype}/${scope}/${windowStartMs}`).digest('hex').slice(0, 32);
}

/** JSON Schema (draft 2020-12) of the FailureEvent union, for consumers. */
export function failureEventJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FailureEvent, { io: 'output' }) as Record<string, unknown>;
}
