// Request and response shapes of /api/v1/incidents, in zod: the handlers parse with them and the
// OpenAPI document is generated from them.
import { z } from 'zod';
import { FailureEvent } from '../../core/model/failure-event.ts';
import { Incident, IncidentState, IncidentTransition } from '../../core/model/incident.ts';
import { Category, Severity } from '../../core/model/taxonomy.ts';
import type { Filters } from '../list-route.ts';
import type { NamedSchema } from '../openapi.ts';
import { pageLimit, rfc3339 } from '../request-parameters.ts';

export const INCIDENT_FILTERS = {
  state: IncidentState.optional().describe('Only open or only resolved incidents.'),
  category: Category.optional().describe('Only this category.'),
  severity: Severity.optional().describe('Only this current severity.'),
  since: rfc3339().optional().describe('Only incidents still active at or after this time (last event at or after it).'),
  until: rfc3339().optional().describe('Only incidents that began at or before this time (first event at or before it).'),
};

export function checkIncidentFilters(q: Filters<typeof INCIDENT_FILTERS>, ctx: z.RefinementCtx): void {
  if (q.since && q.until && Date.parse(q.until) < Date.parse(q.since)) {
    ctx.addIssue({ code: 'custom', path: ['until'], message: `expected a time at or after since (${q.since}), got "${q.until}"` });
  }
}

const incidentId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, { error: 'expected an incident id: 32 lowercase hex characters' })
  .describe("The incident's incident_id.");

export const IncidentIdParams = z.strictObject({ id: incidentId });

export const incidentDetailQuery = (maxMembers: number) =>
  z.strictObject({
    member_limit: pageLimit(maxMembers)
      .optional()
      .describe(`Member events to include, 1 to ${maxMembers} (oldest first); default ${maxMembers}.`),
  });

export const IncidentDetail = z.strictObject({
  incident: Incident,
  transitions: z.array(IncidentTransition).describe('Every transition, oldest first.'),
  members: z
    .array(
      z.strictObject({
        failure_id: z.string(),
        occurred_at: z.string().describe('Event time of the member event.'),
        event: FailureEvent.nullable().describe(
          'The event itself, or null when the failure store does not hold it (the tables are written independently).',
        ),
      }),
    )
    .describe('Member events, oldest first, up to member_limit.'),
  member_count: z.number().int().nonnegative().describe('All member events, including those beyond member_limit.'),
});

export const INCIDENT_DETAIL: NamedSchema = { name: 'IncidentDetail', schema: IncidentDetail };
