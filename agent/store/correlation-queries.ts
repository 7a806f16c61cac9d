// Reads of the correlation tables: the active clusters the correlator restores at start, and the
// filtered list and single-cluster view the REST API serves. Every query is parameterized.
import type { CorrelationCluster, CorrelationEdge } from '../core/model/correlation.ts';
import { CLUSTER_COLUMNS, rowToCluster } from './correlation-row.ts';
import type { Database } from './database.ts';

const SELECT_CLUSTER = `SELECT ${CLUSTER_COLUMNS.join(', ')} FROM correlation_clusters`;

export async function selectActiveClusters(db: Database): Promise<CorrelationCluster[]> {
  const { rows } = await db.pool.query(`${SELECT_CLUSTER} WHERE state = 'active' ORDER BY last_seen_at`);
  return rows.map(rowToCluster);
}

export interface ClusterFilter {
  /** Clusters active at or after this instant (last failure ≥ since). */
  since?: string;
  /** Clusters that began at or before this instant (first failure ≤ until). */
  until?: string;
  /** Clusters with a member on this provider. */
  provider?: string;
  type?: string;
  /** Continue after this (opened_at in µs, cluster_id) position, newest first. */
  after?: { atMicros: string; id: string };
}

export interface KeyedCluster {
  cluster: CorrelationCluster;
  /** opened_at in whole microseconds since the epoch (the cursor's exact position). */
  atMicros: string;
}

/** Up to `take` clusters matching the filter, newest opened first; merged clusters are left out (their failures live on in the survivor). */
export async function listClusters(db: Database, filter: ClusterFilter, take: number): Promise<KeyedCluster[]> {
  const where: string[] = ["state <> 'merged'"];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.since) add((p) => `last_seen_at >= ${p}`, filter.since);
  if (filter.until) add((p) => `opened_at <= ${p}`, filter.until);
  if (filter.provider) add((p) => `providers @> ARRAY[${p}::text]`, filter.provider);
  if (filter.type) add((p) => `cluster_type = ${p}`, filter.type);
  if (filter.after) {
    params.push(filter.after.atMicros, filter.after.id);
    const t = `$${params.length - 1}`;
    where.push(`(opened_at, cluster_id) < (timestamptz 'epoch' + (${t}::bigint * interval '1 microsecond'), $${params.length})`);
  }
  params.push(take);
  const { rows } = await db.pool.query(
    `SELECT ${CLUSTER_COLUMNS.join(', ')}, (extract(epoch FROM opened_at) * 1000000)::bigint::text AS cursor_micros
       FROM correlation_clusters WHERE ${where.join(' AND ')}
      ORDER BY opened_at DESC, cluster_id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ cluster: rowToCluster(r), atMicros: r.cursor_micros as string }));
}

export interface ClusterGraph {
  cluster: CorrelationCluster;
  edges: (CorrelationEdge & { cluster_id: string })[];
  /** Edges left out past the limit. */
  truncated: boolean;
}

/**
 * A cluster and its edges, walked from the root failure over edges in both directions. UNION (not
 * UNION ALL) keeps one row per failure, so the walk visits each failure once however many paths
 * lead to it; a CYCLE clause only stops a path from revisiting its own failures and would still
 * enumerate every path of a dense cluster.
 */
export async function getClusterGraph(db: Database, clusterId: string, edgeLimit: number): Promise<ClusterGraph | null> {
  const found = await db.pool.query(`${SELECT_CLUSTER} WHERE cluster_id = $1`, [clusterId]);
  if (found.rows.length === 0) return null;
  const cluster = rowToCluster(found.rows[0]);
  const { rows } = await db.pool.query(
    `WITH RECURSIVE reached(failure_id) AS (
        SELECT $1::text
      UNION
        SELECT next.failure_id
          FROM reached r
          CROSS JOIN LATERAL (
            SELECT e.target_failure_id AS failure_id FROM correlation_edges e WHERE e.source_failure_id = r.failure_id
            UNION ALL
            SELECT e.source_failure_id FROM correlation_edges e WHERE e.target_failure_id = r.failure_id
          ) next
     )
     SELECT e.source_failure_id, e.target_failure_id, e.relation, e.rule, e.weight, e.at, e.cluster_id
       FROM correlation_edges e
      WHERE e.source_failure_id IN (SELECT failure_id FROM reached)
      ORDER BY e.at, e.source_failure_id, e.target_failure_id, e.relation
      LIMIT $2`,
    [cluster.root_cause.failure_id, edgeLimit + 1],
  );
  const edges = rows.slice(0, edgeLimit).map((r) => ({
    source_failure_id: r.source_failure_id as string,
    target_failure_id: r.target_failure_id as string,
    relation: r.relation as CorrelationEdge['relation'],
    rule: r.rule as string | null,
    weight: Number(r.weight),
    at: (r.at as Date).toISOString(),
    cluster_id: r.cluster_id as string,
  }));
  return { cluster, edges, truncated: rows.length > edgeLimit };
}
