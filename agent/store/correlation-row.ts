// How a CorrelationCluster maps onto a correlation_clusters row (migrations/0004_correlation.sql):
// filterable fields as columns, the root cause and the working state (members, links, fallbacks)
// as jsonb. Shared by the writer, the correlator's restore and the API, so the mapping cannot drift.
import { CorrelationCluster } from '../core/model/correlation.ts';

export const CLUSTER_COLUMNS = [
  'cluster_id',
  'cluster_type',
  'state',
  'merged_into',
  'strength',
  'root_cause',
  'root_failure_id',
  'root_category',
  'root_provider',
  'providers',
  'members',
  'links',
  'fallbacks',
  'event_count',
  'edge_count',
  'window_ms',
  'opened_at',
  'last_seen_at',
  'closed_at',
  'revision',
] as const;

/** Query parameters in CLUSTER_COLUMNS order (jsonb as JSON text). */
export function clusterToParams(c: CorrelationCluster): unknown[] {
  const providers = [...new Set(c.members.map((m) => m.provider))].sort();
  return [
    c.cluster_id,
    c.cluster_type,
    c.state,
    c.merged_into,
    c.strength,
    JSON.stringify(c.root_cause),
    c.root_cause.failure_id,
    c.root_cause.category,
    c.root_cause.provider,
    providers,
    JSON.stringify(c.members),
    JSON.stringify(c.links),
    JSON.stringify(c.fallbacks),
    c.event_count,
    c.edge_count,
    c.window_ms,
    c.opened_at,
    c.last_seen_at,
    c.closed_at,
    c.revision,
  ];
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | null));

/** The cluster a row holds (node-postgres types: Date for timestamptz, string for bigint). */
export function rowToCluster(row: Record<string, unknown>): CorrelationCluster {
  return CorrelationCluster.parse({
    cluster_id: row.cluster_id,
    cluster_type: row.cluster_type,
    state: row.state,
    merged_into: row.merged_into,
    strength: row.strength,
    root_cause: row.root_cause,
    members: row.members,
    links: row.links,
    fallbacks: row.fallbacks,
    event_count: Number(row.event_count),
    edge_count: Number(row.edge_count),
    window_ms: row.window_ms,
    opened_at: iso(row.opened_at),
    last_seen_at: iso(row.last_seen_at),
    closed_at: iso(row.closed_at),
    revision: Number(row.revision),
  });
}
