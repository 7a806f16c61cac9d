// Incident: failure events grouped by a fingerprint (category + subtype + provider + model scope by
// default), with a lifecycle opened → updated → escalated → resolved. The incidents processor keeps
// the live state and emits an IncidentUpdate on the `incidents` lane for every transition; the
// postgres exporter persists them (idempotent on incident_id / transition_id, newest revision wins)
// and the alert exporters route them. Column-for-column with migrations/0002_failure_store.sql.
import { z } from 'zod';
import { Category, Severity } from './taxonomy.ts';

const time = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

/** The runbook each category's incidents point to: the first move differs per category. */
export const RUNBOOK_BY_CATEGORY = {
  provider: 'failover',
  quality: 'evaluation',
  cost: 'circuit-breaker',
  security: 'lockdown',
  data: 'reindex',
} as const satisfies Record<z.infer<typeof Category>, string>;

export const IncidentState = z.enum(['open', 'resolved']);
export type IncidentState = z.infer<typeof IncidentState>;

export const TransitionKind = z.enum(['opened', 'updated', 'escalated', 'resolved', 'reopened']);
export type TransitionKind = z.infer<typeof TransitionKind>;

/** Another incident, named in a root incident's symptom list. */
export const IncidentRef = z.strictObject({
  incident_id: z.string().min(1),
  category: Category,
  subtype: z.string().min(1),
  provider: z.string().min(1),
  model: z.string().nullable(),
  title: z.string(),
});
export type IncidentRef = z.infer<typeof IncidentRef>;

export const Incident = z.strictObject({
  incident_id: z.string().min(1).describe('Deterministic from the fingerprint and the opening event time, so every agent names it alike.'),
  fingerprint: z.string().min(1).describe('What groups events into this incident, e.g. provider/outage/openai/gpt-4o.'),
  state: IncidentState,
  category: Category,
  subtype: z.string().min(1),
  severity: Severity.describe('Current severity (after escalation).'),
  initial_severity: Severity,
  provider: z.string().min(1),
  model: z.string().nullable(),
  scope: z.record(z.string(), z.string().nullable()).describe('The fingerprint fields and their values.'),
  title: z.string().min(1).describe('One line for a pager: what, where, how many.'),
  runbook_url: z.string().nullable(),
  event_count: count,
  affected_requests: count,
  affected_users: count,
  affected_teams: count,
  evidence_sample: z.array(z.record(z.string(), z.unknown())).describe('A few representative redacted evidence objects.'),
  first_seen_at: time,
  last_seen_at: time,
  opened_at: time,
  escalated_at: time.nullable(),
  resolved_at: time.nullable(),
  revision: z.number().int().positive().describe('Increases with every update; a store keeps the highest revision it has seen.'),
  cluster_id: z.string().nullable().describe('The correlation cluster its events belong to, when the correlator runs.'),
  caused_by: z
    .string()
    .nullable()
    .describe("The root incident: the open incident of its cluster's root cause, when that is another incident."),
  inhibited: z
    .boolean()
    .describe('true while it has not paged on its own because its root incident was open when it opened; the root lists it instead.'),
  symptoms: z
    .array(IncidentRef)
    .describe('On a root incident: the incidents it inhibits (the most recent few), so its notification lists them.'),
});
export type Incident = z.infer<typeof Incident>;

export const IncidentTransition = z.strictObject({
  transition_id: z.string().min(1).describe('Deterministic: incident id + kind + event time (+ revision for updates).'),
  kind: TransitionKind,
  severity: Severity,
  at: time.describe('Event time of the transition.'),
  detail: z.record(z.string(), z.unknown()),
});
export type IncidentTransition = z.infer<typeof IncidentTransition>;

export const IncidentUpdate = z.strictObject({
  incident: Incident.describe('The incident as it stands after this transition.'),
  transition: IncidentTransition,
  /** Events joined since the previous update of this incident. */
  new_members: z.array(z.strictObject({ failure_id: z.string(), occurred_at: time })),
});
export type IncidentUpdate = z.infer<typeof IncidentUpdate>;
