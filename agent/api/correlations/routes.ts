// GET /api/v1/failures/correlations (filtered, cursor-paginated, newest opened first) and
// GET /api/v1/failures/correlations/{cluster_id} (the cluster with its edges, walked from its root by
// a recursive query), as the postgres exporter stored them. The static path sits under
// /api/v1/failures/{id}; the router matches a static segment before a parameter, so it wins.
import type { FastifyInstance } from 'fastify';
import { viewCluster } from '../../core/model/correlation-view.ts';
import { getClusterGraph, listClusters } from '../../store/correlation-queries.ts';
import { ApiError, ERROR_BODY } from '../api-error.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { ApiDeps } from '../deps.ts';
import { parseParameters } from '../request-parameters.ts';
import {
  CLUSTER_DETAIL,
  CLUSTER_PAGE,
  ClusterIdParams,
  clusterDetailQuery,
  clusterListQuery,
  type ClusterDetail,
  type ClusterPage,
} from './schemas.ts';

const MAX_EDGES = 10_000;
export const CORRELATIONS_PATH = '/api/v1/failures/correlations';

export function registerCorrelationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const listQuery = clusterListQuery(deps.pageSizes.max);
  const detailQuery = clusterDetailQuery(MAX_EDGES);

  app.get(
    CORRELATIONS_PATH,
    {
      config: {
        openapi: {
          operationId: 'listCorrelations',
          summary: 'List failure correlation clusters with their root cause, newest first.',
          description:
            'Filters combine with AND. Pages are ordered by opening time then cluster_id, both descending; follow next_cursor until it is null. Clusters merged into another are left out. An unknown or malformed parameter is a 400 naming it.',
          tags: ['correlations'],
          query: listQuery,
          responses: {
            200: { description: 'One page of clusters.', body: CLUSTER_PAGE },
            400: { description: 'A query parameter is invalid; `error.parameter` names it.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request): Promise<ClusterPage> => {
      const q = parseParameters(listQuery, request.query, 'query');
      const limit = q.limit ?? deps.pageSizes.default;
      // The schema has already checked the cursor decodes.
      const after = q.cursor === undefined ? undefined : (decodeCursor(q.cursor) ?? undefined);
      const rows = await listClusters(
        deps.database,
        { since: q.since, until: q.until, provider: q.provider, type: q.type, after },
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        data: page.map((r) => viewCluster(r.cluster)),
        next_cursor: rows.length > limit && last ? encodeCursor({ atMicros: last.atMicros, id: last.cluster.cluster_id }) : null,
      };
    },
  );

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
