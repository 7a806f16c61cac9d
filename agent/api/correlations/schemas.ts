// Request and response shapes of /api/v1/failures/correlations, in zod: the handlers parse with them
// and the OpenAPI document is generated from them.
import { z } from 'zod';
import { ClusterType, CorrelationEdge } from '../../core/model/correlation.ts';
import { ClusterView } from '../../core/model/correlation-view.ts';
import type { NamedSchema } from '../openapi.ts';
import { pageLimit, rfc3339 } from '../request-parameters.ts';

/** The filters of the cluster list; limit and cursor are added by the list route. */
export const CLUSTER_FILTERS = {
  since: rfc3339().optional().describe('Only clusters still active at or after this time (latest failure at or after it).'),
  until: rfc3339().optional().describe('Only clusters that began at or before this time (first failure at or before it).'),
  provider: z.string().min(1).max(200).optional().describe('Only clusters with a failure on this provider (normalized, e.g. openai).'),
  type: ClusterType.optional().describe('Only clusters of this type.'),
};

export function checkClusterFilters(q: { since?: string; until?: string }, ctx: z.RefinementCtx): void {
  if (q.since && q.until && Date.parse(q.until) < Date.parse(q.since)) {
    ctx.addIssue({ code: 'custom', path: ['until'], message: `expected a time at or after since (${q.since}), got "${q.until}"` });
  }
}

export const ClusterIdParams = z.strictObject({
  cluster_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, { error: 'expected a cluster id: 32 lowercase hex characters' })
    .describe("The cluster's cluster_id."),
});

export const clusterDetailQuery = (maxEdges: number) =>
  z.strictObject({
    edge_limit: pageLimit(maxEdges).optional().describe(`Edges to include, 1 to ${maxEdges} (oldest first); default ${maxEdges}.`),
  });

export const ClusterDetail = z.strictObject({
  cluster: ClusterView,
  edges: z
    .array(
      CorrelationEdge.extend({ cluster_id: z.string().describe('The cluster the edge was drawn in (a merge moves it to the survivor).') }),
    )
    .describe('Every edge reachable from the root failure, following edges both ways, oldest first, up to edge_limit.'),
  edges_truncated: z.boolean().describe('true when more edges were reachable than edge_limit.'),
});
export type ClusterDetail = z.infer<typeof ClusterDetail>;

export const CLUSTER_DETAIL: NamedSchema = { name: 'CorrelationClusterDetail', schema: ClusterDetail };
