// Correlation: failure events linked by typed edges into clusters, each with a ranked root cause.
// The correlator processor keeps the live clusters and emits a CorrelationUpdate on the
// `correlations` lane whenever one changes (new members, a new root, closed, merged); the postgres
// exporter persists them (newest revision wins; edges and members inserted once) and the API, the
// prometheus exporter and `classify --output correlations` read them. Column-for-column with
// migrations/0004_correlation.sql.
import { z } from 'zod';
import { Category } from './taxonomy.ts';

const time = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const failureId = z.string().regex(/^[0-9a-f]{32}$/, { error: 'expected a failure id (32 lowercase hex characters)' });

export const ClusterType = z
  .enum(['cascade', 'common_cause', 'campaign', 'temporal'])
  .describe(
    'cascade: the root propagated through requests (retries, fallbacks) into other kinds of failure; common_cause: one state ' +
      'change behind failures of one provider or scope; campaign: an attack and what it caused; temporal: linked only by ' +
      'time and a shared team, route or key.',
  );
export type ClusterType = z.infer<typeof ClusterType>;

export const ClusterState = z.enum(['active', 'closed', 'merged']);
export type ClusterState = z.infer<typeof ClusterState>;

/** How one failure is linked to another. */
export const EdgeRelation = z.enum(['same_trace', 'causal', 'temporal', 'recurrence']);
export type EdgeRelation = z.infer<typeof EdgeRelation>;

/** How a kind of failure joined its cluster: an edge relation, the root itself, or carried by the same call. */
export const MemberRelation = z.enum(['root', 'same_trace', 'causal', 'temporal', 'recurrence', 'same_call']);
export type MemberRelation = z.infer<typeof MemberRelation>;

export const CorrelationEdge = z.strictObject({
  source_failure_id: failureId.describe('The cause (or the earlier failure of a temporal or recurrence link).'),
  target_failure_id: failureId.describe('The effect.'),
  relation: EdgeRelation,
  rule: z.string().nullable().describe('For a causal edge, the rule that drew it (e.g. fallback); null otherwise.'),
  weight: z.number().min(0).max(1).describe('How much this edge says the two are related (0–1).'),
  at: time.describe('Event time of the target failure.'),
});
export type CorrelationEdge = z.infer<typeof CorrelationEdge>;

/** What kind of failure: category, subtype, provider and model. */
export const FailureKindRef = z.strictObject({
  category: Category,
  subtype: z.string().min(1),
  provider: z.string().min(1),
  model: z.string().nullable(),
});
export type FailureKindRef = z.infer<typeof FailureKindRef>;

export const RootCause = FailureKindRef.extend({
  failure_id: failureId.describe('The first failure of the root kind in this cluster.'),
  team: z.string().nullable(),
  route: z.string().nullable(),
  occurred_at: time,
  reason: z.string().describe('Why this kind ranks first, in words.'),
  carried_by: FailureKindRef.nullable().describe(
    'When the root was only seen as a secondary match on other failures (a spend spike on rate-limited calls): the kind of those failures.',
  ),
});
export type RootCause = z.infer<typeof RootCause>;

/** One kind of failure in a cluster, with what the correlator needs to keep linking after a restart. */
export const ClusterMember = FailureKindRef.extend({
  count: count.describe('Failures of this kind in the cluster (for same_call members: calls that carried it as a secondary match).'),
  relation: MemberRelation.describe('How this kind joined the cluster (its strongest link to the rest).'),
  rule: z.string().nullable().describe('The causal rule, when relation is causal.'),
  role: z
    .string()
    .min(1)
    .describe('The part this kind can play in a cascade (provider_down, provider_slow, cost_surge, quality, attack, budget, …).'),
  tier: z
    .number()
    .int()
    .min(0)
    .max(3)
    .describe('Causal tier: 0 state change, 1 provider symptom, 2 cost or data symptom, 3 quality symptom.'),
  anchor_failure_id: failureId
    .nullable()
    .describe(
      'The first failure of this kind in the cluster (for a secondary match, the first failure carrying it); later ones link to it.',
    ),
  first_seen_at: time,
  last_seen_at: time,
  teams: z.record(z.string(), count).describe('Failures per team (the most frequent few).'),
  routes: z.record(z.string(), count).describe('Failures per route (the most frequent few).'),
  keys: z.record(z.string(), count).describe('Failures per API key, as a short hash (the most frequent few).'),
  carried_by: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe('For a kind only seen as a secondary match: index into members of the kind whose failures carried it.'),
  window_level: count.describe('Failures of this kind that are window-level findings (no single span).'),
  fallback_attempts: count.describe('Failures of this kind on a retry or fallback attempt (attempt number above 1).'),
});
export type ClusterMember = z.infer<typeof ClusterMember>;

/** Links between two kinds of the cluster (from → to; equal for recurrence), summing their edges. */
export const KindLink = z.strictObject({
  from: z.number().int().nonnegative().describe('Index into members.'),
  to: z.number().int().nonnegative().describe('Index into members.'),
  relation: EdgeRelation,
  rule: z.string().nullable(),
  edges: count,
  evidence: z.number().min(0).max(1).describe('1 − Π(1 − weight) over the edges: how sure the link is.'),
});
export type KindLink = z.infer<typeof KindLink>;

/** A model group whose failed attempts fell back to another, as seen in traces within the window. */
export const FallbackPair = z.strictObject({
  from: z.string().describe('provider/model of the failed attempt.'),
  to: z.string().describe('provider/model of the next attempt.'),
  last_seen_at: time,
});
export type FallbackPair = z.infer<typeof FallbackPair>;

export const CorrelationCluster = z.strictObject({
  cluster_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .describe('Deterministic: a hash of the root failure id when the cluster was first published and the window start.'),
  cluster_type: ClusterType,
  state: ClusterState.describe('active while failures keep joining within the window; closed after a quiet window; merged into another.'),
  merged_into: z.string().nullable().describe('The cluster this one was merged into (state merged).'),
  strength: z.number().min(0).max(1).describe('How strongly the members are related (0–1), from the edges.'),
  root_cause: RootCause,
  members: z.array(ClusterMember).describe('The kinds of failure in the cluster; the root first.'),
  links: z.array(KindLink),
  fallbacks: z.array(FallbackPair),
  event_count: count,
  edge_count: count,
  window_ms: z.number().int().positive().describe('The correlation window the cluster was built with.'),
  opened_at: time.describe('Event time of its first failure.'),
  last_seen_at: time.describe('Event time of its latest failure.'),
  closed_at: time.nullable(),
  revision: z.number().int().positive().describe('Increases with every update; a store keeps the highest revision it has seen.'),
});
export type CorrelationCluster = z.infer<typeof CorrelationCluster>;

export const CorrelationUpdate = z.strictObject({
  cluster: CorrelationCluster.describe('The cluster as it stands after this update.'),
  new_members: z
    .array(z.strictObject({ failure_id: failureId, occurred_at: time, member: z.number().int().nonnegative() }))
    .describe('Failures joined since the previous update (member: index into members).'),
  new_edges: z.array(CorrelationEdge),
  absorbed: z.array(z.string()).describe('Clusters merged into this one by this update.'),
});
export type CorrelationUpdate = z.infer<typeof CorrelationUpdate>;
