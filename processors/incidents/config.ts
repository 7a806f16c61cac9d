import { z } from 'zod';
import { count, milliseconds } from '../../config/units.ts';
import { Category, Severity } from '../../agent/core/model/taxonomy.ts';

/** Event fields an incident fingerprint can group by (category is always part of it). */
export const GROUP_FIELDS = ['subtype', 'provider', 'model', 'team', 'route'] as const;
export const GroupField = z.enum(GROUP_FIELDS);
export type GroupField = z.infer<typeof GroupField>;

const groupBy = z.array(GroupField).refine((fields) => new Set(fields).size === fields.length, 'list each field once');

export const IncidentsConfig = z.strictObject({
  group_by: groupBy
    .default(['subtype', 'provider', 'model'])
    .describe('Event fields that, with the category, make the fingerprint: events with equal values join one incident.'),
  group_by_category: z
    .partialRecord(Category, groupBy)
    .default({})
    .describe('Per-category replacement for group_by, e.g. { cost: [subtype, team] } to group cost incidents by team.'),
  quiet_period_ms: milliseconds()
    .default(300_000)
    .describe('An open incident resolves once no event has joined it for this long (event time).'),
  check_interval_ms: milliseconds().default(10_000).describe('How often open incidents are checked for auto-resolution and escalation.'),
  escalation: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Whether a sustained incident escalates one level.'),
      after_ms: milliseconds()
        .default(1_800_000)
        .describe('How long an incident below P1 must have been open, with events still arriving, before it escalates one level.'),
      min_events: count('events').default(10).describe('Events an incident needs before it can escalate, so a trickle does not page.'),
    })
    .default({ enabled: true, after_ms: 1_800_000, min_events: 10 })
    .describe('Escalation of sustained lower-severity incidents (once per incident).'),
  evidence_samples: count('samples')
    .default(5)
    .describe('Representative evidence objects kept per incident (distinct evidence, first seen first).'),
  runbooks: z
    .partialRecord(Category, z.url({ error: 'expected an absolute URL' }))
    .default({})
    .describe(
      'Runbook URL per category (provider → failover, quality → evaluation, cost → circuit breaker/budget, security → lockdown, data → reindex).',
    ),
  runbook_base_url: z
    .url({ error: 'expected an absolute URL' })
    .nullable()
    .default(null)
    .describe(
      'When set, a category without an entry in runbooks gets <base>/<runbook name>, e.g. https://wiki.example.com/runbooks/failover.',
    ),
  max_open: count('incidents').default(10_000).describe('Open incidents held at once; past it the least recently seen is resolved early.'),
  restore: z
    .boolean()
    .default(true)
    .describe('Load open incidents from the database at start, so a restart neither forgets nor re-opens them.'),
  scope: z
    .enum(['auto', 'agent', 'fleet'])
    .default('auto')
    .describe(
      "agent: group the events this agent sees. fleet: the agent holding the fleet lease groups every agent's events from the " +
        'database (one incident per fingerprint fleet-wide), the others only pass events on. auto: fleet when the agent runs ' +
        'with a database, agent otherwise (classify, replay).',
    ),
  poll_interval_ms: milliseconds()
    .default(1_000)
    .describe('Fleet scope: how often the leader reads new events from the database and checks for resolution and escalation.'),
  poll_batch: count('events').default(5_000).describe('Fleet scope: events read per query; a backlog is read in several.'),
  min_severity: Severity.default('P4').describe('Events less severe than this do not open or join incidents (P4 keeps everything).'),
});
export type IncidentsConfig = z.infer<typeof IncidentsConfig>;
