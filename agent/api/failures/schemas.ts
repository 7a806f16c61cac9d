// Request and response shapes of /api/v1/failures, in zod: the handlers parse with them and the
// OpenAPI document is generated from them.
import { z } from 'zod';
import { FailureEvent } from '../../core/model/failure-event.ts';
import { Category, SUBTYPES, Severity } from '../../core/model/taxonomy.ts';
import type { NamedSchema } from '../openapi.ts';
import { cursorParameter } from '../cursor.ts';
import { pageLimit, rfc3339 } from '../request-parameters.ts';

const ALL_SUBTYPES = [...new Set(Object.values(SUBTYPES).flat())] as [string, ...string[]];
const name = (what: string) => z.string().min(1).max(200).describe(what);

export function failureListQuery(maxPageSize: number) {
  return z
    .strictObject({
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
      limit: pageLimit(maxPageSize)
        .optional()
        .describe(`Events per page, 1 to ${maxPageSize}; the server's default page size when omitted.`),
      cursor: cursorParameter().optional(),
    })
    .superRefine((q, ctx) => {
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
    });
}
export type FailureListQuery = z.output<ReturnType<typeof failureListQuery>>;

export const FailureIdParams = z.strictObject({
  id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { error: 'expected a failure id: 32 lowercase hex characters' })
    .describe("The event's failure_id."),
});

export const FAILURE_EVENT: NamedSchema = { name: 'FailureEvent', schema: FailureEvent };

export const FailurePage = z.strictObject({
  data: z.array(FailureEvent).describe('Events, newest first (by time, then failure_id).'),
  next_cursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page.'),
});
export type FailurePage = z.infer<typeof FailurePage>;
export const FAILURE_PAGE: NamedSchema = { name: 'FailurePage', schema: FailurePage };
