// Request and response shapes of /api/v1/failures, in zod: the handlers parse with them and the
// OpenAPI document is generated from them.
import { z } from 'zod';
import { FailureEvent } from '../../core/model/failure-event.ts';
import { Category, SUBTYPES, Severity } from '../../core/model/taxonomy.ts';
import type { Filters } from '../list-route.ts';
import type { NamedSchema } from '../openapi.ts';
import { rfc3339 } from '../request-parameters.ts';

const ALL_SUBTYPES = [...new Set(Object.values(SUBTYPES).flat())] as [string, ...string[]];
const name = (what: string) => z.string().min(1).max(200).describe(what);

export const FAILURE_FILTERS = {
  from: rfc3339().optional().describe('Only events at or after this time (RFC 3339).'),
  to: rfc3339().optional().describe('Only events before this time (RFC 3339).'),
  category: Category.optional().describe('Only this category.'),
  subtype: z
    .enum(ALL_SUBTYPES)
    .optional()
    .describe("Only this subtype (from the taxonomy; with `category`, one of that category's subtypes)."),
  severity: Severity.optional().describe('Only this severity.'),
  provider: name('Only this provider (normalized name, e.g. openai).').optional(),
  model: name('Only this model (as reported, e.g. gpt-4o).').optional(),
  team: name('Only events of this team.').optional(),
};

export function checkFailureFilters(q: Filters<typeof FAILURE_FILTERS>, ctx: z.RefinementCtx): void {
  if (q.category && q.subtype && !(SUBTYPES[q.category] as readonly string[]).includes(q.subtype)) {
    ctx.addIssue({
      code: 'custom',
      path: ['subtype'],
      message: `expected a subtype of ${q.category} (${SUBTYPES[q.category].join(', ')}), got "${q.subtype}"`,
    });
  }
  if (q.from && q.to && Date.parse(q.to) <= Date.parse(q.from)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `expected a time after from (${q.from}), got "${q.to}"` });
  }
}

export const FailureIdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { error: 'expected a failure id: 32 lowercase hex characters' })
    .describe("The event's failure_id."),
});

export const FAILURE_EVENT: NamedSchema = { name: 'FailureEvent', schema: FailureEvent };
