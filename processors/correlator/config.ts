import { z } from 'zod';
import { count, milliseconds, ratio } from '../../config/units.ts';
import { CAUSAL_RULES } from './causal-rules.ts';

const RULE_NAMES = CAUSAL_RULES.map((r) => r.name) as [string, ...string[]];

export const CorrelatorConfig = z.strictObject({
  window_ms: milliseconds()
    .default(300_000)
    .describe('Failures this close in event time can be linked; a cluster closes once no failure joined it for this long.'),
  check_interval_ms: milliseconds().default(10_000).describe('How often clusters are checked for closing (event time).'),
  max_clusters: count('clusters')
    .default(1_000)
    .describe('Clusters held at once (a lone failure counts as one); past it the least recently joined closes early.'),
  max_kinds_per_cluster: count('kinds')
    .default(64)
    .describe('Kinds of failure (category, subtype, provider, model) one cluster takes; past it new kinds start clusters of their own.'),
  max_traces: count('traces').default(50_000).describe('Traces remembered for same-trace links; past it the oldest are forgotten.'),
  max_traffic_share: ratio('share of the traffic')
    .default(0.5)
    .describe(
      'A team, route or key carrying more than this share of the calls in the window is too common to link failures by time alone (e.g. the one route every request takes).',
    ),
  disabled_rules: z
    .array(z.enum(RULE_NAMES))
    .default([])
    .describe(`Causal rules to switch off, e.g. [provider_behaviour]. Rules: ${RULE_NAMES.join(', ')}.`),
  restore: z
    .boolean()
    .default(true)
    .describe('Load the active clusters from the database at start, so a restart in the middle of a cascade keeps linking to them.'),
  scope: z
    .enum(['auto', 'agent', 'fleet'])
    .default('auto')
    .describe(
      'agent: link the failures this agent sees. fleet: the agent holding the fleet lease links its own failures as they pass and ' +
        "every other agent's from the database (one set of clusters fleet-wide); the others only pass failures on. auto: fleet " +
        'when the agent runs with a database, agent otherwise (classify, replay).',
    ),
  poll_interval_ms: milliseconds()
    .default(1_000)
    .describe("Fleet scope: how often the leader reads the other agents' new failure events from the database."),
  poll_batch: count('events').default(5_000).describe('Fleet scope: events read per query; a backlog is read in several.'),
});
export type CorrelatorConfig = z.infer<typeof CorrelatorConfig>;
