// A cluster as users read it: the API's list items and `faultline classify --output correlations`
// print this shape, so the offline answer and the stored one compare line for line. The working
// fields the correlator keeps for itself (links, fallbacks, per-member team counts) stay out.
import { z } from 'zod';
import { ClusterState, ClusterType, MemberRelation, type CorrelationCluster, type CorrelationUpdate } from './correlation.ts';
import { Category } from './taxonomy.ts';

export const ClusterView = z.strictObject({
  cluster_id: z.string(),
  cluster_type: ClusterType,
  state: ClusterState,
  strength: z.number().min(0).max(1),
  opened_at: z.string().describe('Event time of the first failure.'),
  last_seen_at: z.string().describe('Event time of the latest failure.'),
  closed_at: z.string().nullable(),
  root_cause: z.strictObject({
    failure_id: z.string(),
    category: Category,
    subtype: z.string(),
    provider: z.string(),
    model: z.string().nullable(),
    reason: z.string().describe('Why this kind ranks first.'),
  }),
  members: z
    .array(
      z.strictObject({
        category: Category,
        subtype: z.string(),
        provider: z.string(),
        model: z.string().nullable(),
        count: z.number().int().nonnegative(),
        relation: MemberRelation,
        rule: z.string().nullable(),
      }),
    )
    .describe('Every kind of failure in the cluster, the root first.'),
  event_count: z.number().int().nonnegative(),
  edge_count: z.number().int().nonnegative(),
});
export type ClusterView = z.infer<typeof ClusterView>;

export function viewCluster(c: CorrelationCluster): ClusterView {
  const r = c.root_cause;
  return {
    cluster_id: c.cluster_id,
    cluster_type: c.cluster_type,
    state: c.state,
    strength: c.strength,
    opened_at: c.opened_at,
    last_seen_at: c.last_seen_at,
    closed_at: c.closed_at,
    root_cause: {
      failure_id: r.failure_id,
      category: r.category,
      subtype: r.subtype,
      provider: r.provider,
      model: r.model,
      reason: r.reason,
    },
    members: c.members.map((m) => ({
      category: m.category,
      subtype: m.subtype,
      provider: m.provider,
      model: m.model,
      count: m.count,
      relation: m.relation,
      rule: m.rule,
    })),
    event_count: c.event_count,
    edge_count: c.edge_count,
  };
}

/** The clusters a stream of updates leaves: the highest revision of each, merged ones left out. */
export function finalClusters(updates: readonly CorrelationUpdate[]): CorrelationCluster[] {
  const latest = new Map<string, CorrelationCluster>();
  for (const { cluster } of updates) {
    const seen = latest.get(cluster.cluster_id);
    if (!seen || seen.revision < cluster.revision) latest.set(cluster.cluster_id, cluster);
  }
  return [...latest.values()].filter((c) => c.state !== 'merged');
}
