// GET /api/v1/failures/correlations (filtered, cursor-paginated, newest opened first) and
// GET /api/v1/failures/correlations/{cluster_id} (the cluster with its edges, walked from its root by
// a recursive query), as the postgres exporter stored them. The static path sits under
// /api/v1/failures/{id}; the router matches a static segment before a parameter, so it wins.
import type { FastifyInstance } from 'fastify';
import { ClusterView, viewCluster } from '../../core/model/correlation-view.ts';
import { getClusterGraph, listClusters } from '../../store/correlation-queries.ts';
import { ApiError, ERROR_BODY } from '../api-error.ts';
import type { ApiDeps } from '../deps.ts';
import { registerListRoute } from '../list-route.ts';
import { parseParameters } from '../request-parameters.ts';
import {
  CLUSTER_DETAIL,
  CLUSTER_FILTERS,
  ClusterIdParams,
  checkClusterFilters,
  clusterDetailQuery,
  type ClusterDetail,
} from './schemas.ts';

const MAX_EDGES = 10_000;
export const CORRELATIONS_PATH = '/api/v1/failures/correlations';

export function registerCorrelationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const detailQuery = clusterDetailQuery(MAX_EDGES);

  registerListRoute(app, deps, {
    url: CORRELATIONS_PATH,
    operationId: 'listCorrelations',
    summary: 'List failure correlation clusters with their root cause, newest first.',
    description: 'Filters combine with AND. Clusters merged into another are left out.',
    tags: ['correlations'],
    item: ClusterView,
    pageName: 'CorrelationClusterPage',
    noun: 'clusters',
    order: 'newest opened first (by opening time, then cluster_id)',
    filters: CLUSTER_FILTERS,
    refine: checkClusterFilters,
    async fetch(filters, { take, after }) {
      const rows = await listClusters(deps.database, { ...filters, after }, take);
      return rows.map((r) => ({ item: viewCluster(r.cluster), position: { atMicros: r.atMicros, id: r.cluster.cluster_id } }));
    },
  });

  app.get(
    `${CORRELATIONS_PATH}/:cluster_id`,
    {
      config: {
        openapi: {
          operationId: 'getCorrelation',
          summary: 'One correlation cluster with its edges, walked from the root failure.',
          tags: ['correlations'],
          params: ClusterIdParams,
          query: detailQuery,
          responses: {
            200: { description: 'The cluster and its edges.', body: CLUSTER_DETAIL },
            400: { description: 'The id or edge_limit is invalid; `error.parameter` names it.', body: ERROR_BODY },
            404: { description: 'No cluster has this id.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request): Promise<ClusterDetail> => {
      const { cluster_id } = parseParameters(ClusterIdParams, request.params, 'path');
      const q = parseParameters(detailQuery, request.query, 'query');
      const graph = await getClusterGraph(deps.database, cluster_id, q.edge_limit ?? MAX_EDGES);
      if (graph === null)
        throw new ApiError(404, 'not_found', `No correlation cluster has id ${cluster_id}; list clusters with GET ${CORRELATIONS_PATH}.`);
      return { cluster: viewCluster(graph.cluster), edges: graph.edges, edges_truncated: graph.truncated };
    },
  );
}
