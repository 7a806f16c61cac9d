import { z } from 'zod';
import { count, milliseconds } from '../../config/units.ts';
import { SUBTYPES, Severity, type Subtype } from '../../agent/core/model/taxonomy.ts';

const ALL_SUBTYPES = Object.values(SUBTYPES).flat() as Subtype[];

export const ClassifierConfig = z.strictObject({
  window_ms: milliseconds()
    .default(300_000)
    .describe('Sliding window (event time) over which the blast radius of one kind of failure is counted.'),
  blast_radius: z
    .strictObject({
      requests: count('requests')
        .default(50)
        .describe('Distinct requests with this kind of failure in the window that raise severity one level.'),
      users: count('users')
        .default(10)
        .describe('Distinct end users (counted from hashed ids) with this kind of failure in the window that raise severity one level.'),
      teams: count('teams').default(3).describe('Distinct teams with this kind of failure in the window that raise severity one level.'),
    })
    .default({ requests: 50, users: 10, teams: 3 })
    .describe('Blast-radius thresholds: reaching any one of them raises severity one level (never above P1).'),
  critical_routes: z
    .array(z.string().min(1))
    .default([])
    .describe('Gateway routes whose failures raise severity one level; exact match, or a prefix ending in "*" (e.g. "/v1/checkout/*").'),
  critical_teams: z.array(z.string().min(1)).default([]).describe('Team ids (or aliases) whose failures raise severity one level.'),
  escalation: z
    .strictObject({
      min_events: count('events')
        .default(20)
        .describe('Events of one kind (category, subtype, provider, model) a stream needs before it escalates one level.'),
      min_duration_ms: milliseconds().default(600_000).describe('Event time a stream must have lasted before it escalates one level.'),
      max_gap_ms: milliseconds()
        .default(300_000)
        .describe('A gap longer than this between two events of one kind ends the stream; the next event starts a new one.'),
    })
    .default({ min_events: 20, min_duration_ms: 600_000, max_gap_ms: 300_000 })
    .describe('Escalation of sustained streams of lower-severity events.'),
  severity_overrides: z
    .partialRecord(z.enum(ALL_SUBTYPES as [Subtype, ...Subtype[]]), Severity)
    .default({})
    .describe(
      'Base severity per subtype (e.g. { rate_limited: P2 }), replacing the built-in one before adjustments. Built in: every security subtype, outage, overloaded, no_healthy_deployment P1; quota_exhausted, auth_error, timeout, connection_error, malformed_response, latency_degradation, budget_exceeded, spend_spike, retry_storm, agent_loop, hallucination, regression P2; rate_limit_headroom_low, language_drift, token_count_mismatch, embedding_drift P4; every other subtype P3. A recovered request lowers P1/P2 one level (never security); a blast-radius threshold, a critical route or team, and a sustained stream each raise one level.',
    ),
  max_kinds: count('kinds')
    .default(10_000)
    .describe(
      'Kinds of failure (category, subtype, provider, model) tracked at once for blast radius and escalation; past it the least recently seen is forgotten.',
    ),
  max_window_entries: count('entries')
    .default(10_000)
    .describe(
      'Requests remembered per kind within the window; past it the oldest are forgotten (counts then stop growing, which only matters far above the thresholds).',
    ),
});
export type ClassifierConfig = z.infer<typeof ClassifierConfig>;
