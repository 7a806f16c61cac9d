// The `correlations` lane: clusters upserted keeping the highest revision, edges and members
// inserted once, and a merge moving the absorbed clusters' edges and members to the survivor.
// Every write is idempotent, so a batch delivered twice changes nothing.
import type { CorrelationCluster, CorrelationUpdate } from '../../core/model/correlation.ts';
import { CLUSTER_COLUMNS, clusterToParams } from '../correlation-row.ts';
import { insertRows } from './insert-rows.ts';
import type { LaneWriter } from './lane-writer.ts';

const CLUSTER_UPDATE_SET = CLUSTER_COLUMNS.filter((c) => c !== 'cluster_id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .concat('updated_at = now()')
  .join(', ');

export const correlationUpdatesWriter: LaneWriter<CorrelationUpdate> = {
  recordType: 'correlation_update',
  async write(client, updates, { maxRowsPerStatement: maxRows }) {
    // One row per cluster per statement (ON CONFLICT DO UPDATE touches a row once): its highest revision.
    const latest = new Map<string, CorrelationCluster>();
    for (const { cluster } of updates) {
      const seen = latest.get(cluster.cluster_id);
      if (!seen || seen.revision < cluster.revision) latest.set(cluster.cluster_id, cluster);
    }
    await insertRows(
      client,
      'correlation_clusters',
      CLUSTER_COLUMNS,
      [...latest.values()].map(clusterToParams),
      `ON CONFLICT (cluster_id) DO UPDATE SET ${CLUSTER_UPDATE_SET} WHERE correlation_clusters.revision < EXCLUDED.revision`,
      maxRows,
    );
    await insertRows(
      client,
      'correlation_edges',
      ['source_failure_id', 'target_failure_id', 'relation', 'rule', 'weight', 'cluster_id', 'at'],
      updates.flatMap((u) =>
        u.new_edges.map((e) => [e.source_failure_id, e.target_failure_id, e.relation, e.rule, e.weight, u.cluster.cluster_id, e.at]),
      ),
      'ON CONFLICT (source_failure_id, target_failure_id, relation) DO NOTHING',
      maxRows,
    );
    await insertRows(
      client,
      'correlation_members',
      ['failure_id', 'cluster_id', 'occurred_at', 'category', 'subtype', 'provider', 'model'],
      updates.flatMap((u) =>
        u.new_members.map((m) => {
          const kind = u.cluster.members[m.member];
          return [m.failure_id, u.cluster.cluster_id, m.occurred_at, kind.category, kind.subtype, kind.provider, kind.model];
        }),
      ),
      // A failure that joined a cluster before it was merged keeps one row; the move below updates it.
      'ON CONFLICT (failure_id) DO NOTHING',
      maxRows,
    );
    for (const u of updates) {
      if (u.absorbed.length === 0) continue;
      const to = u.cluster.cluster_id;
      await client.query('UPDATE correlation_edges SET cluster_id = $1 WHERE cluster_id = ANY($2::text[])', [to, u.absorbed]);
      await client.query('UPDATE correlation_members SET cluster_id = $1 WHERE cluster_id = ANY($2::text[])', [to, u.absorbed]);
    }
  },
};
