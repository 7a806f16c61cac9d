// Correlation clusters as gauges, from the correlations lane: how many are active by type and how
// strong they are, and, for the dashboard's timeline, each active cluster's size labelled with its
// root cause and the size of each of its effects. Only active clusters are observed, the largest
// few, so series come and go with cascades and their number stays bounded.
import type { Meter } from '@opentelemetry/api';
import { ClusterType, type CorrelationCluster, type CorrelationUpdate } from '../../agent/core/model/correlation.ts';
import type { LabelLimiter } from './label-limiter.ts';

/** Active clusters given their own timeline series (the largest first). */
export const TIMELINE_CLUSTERS = 20;
/** Effects observed per timeline cluster (the largest first). */
export const EFFECTS_PER_CLUSTER = 10;

export interface CorrelationGauges {
  record(updates: readonly CorrelationUpdate[]): void;
}

export function createCorrelationGauges(meter: Meter, limitProvider: LabelLimiter, limitModel: LabelLimiter): CorrelationGauges {
  const active = new Map<string, CorrelationCluster>();
  let newestMs = -Infinity;
  const clustersActive = meter.createObservableGauge('failure_correlation_clusters_active', {
    description: 'Correlation clusters still active (a failure joined within their window), by cluster_type.',
  });
  const strength = meter.createObservableGauge('failure_correlation_strength', {
    description: 'Mean strength (0–1) of the active correlation clusters of each cluster_type: how surely their failures are related.',
  });
  const clusterEvents = meter.createObservableGauge('failure_correlation_cluster_events', {
    description: 'Failures in each active correlation cluster, labelled with its root cause (the largest clusters only).',
  });
  const effectEvents = meter.createObservableGauge('failure_correlation_effect_events', {
    description: 'Failures of each effect (a non-root kind) in the active correlation clusters, with how it is linked.',
  });

  meter.addBatchObservableCallback(
    (r) => {
      for (const type of ClusterType.options) {
        const of = [...active.values()].filter((c) => c.cluster_type === type);
        r.observe(clustersActive, of.length, { cluster_type: type });
        if (of.length > 0) r.observe(strength, of.reduce((s, c) => s + c.strength, 0) / of.length, { cluster_type: type });
      }
      const largest = [...active.values()].sort((a, b) => b.event_count - a.event_count).slice(0, TIMELINE_CLUSTERS);
      for (const c of largest) {
        const root = c.root_cause;
        r.observe(clusterEvents, c.event_count, {
          cluster_id: c.cluster_id,
          cluster_type: c.cluster_type,
          root_category: root.category,
          root_subtype: root.subtype,
          root_provider: limitProvider(root.provider),
          root_model: limitModel(root.model ?? 'none'),
        });
        const effects = c.members.filter((m) => m.relation !== 'root').sort((a, b) => b.count - a.count);
        for (const m of effects.slice(0, EFFECTS_PER_CLUSTER)) {
          r.observe(effectEvents, m.count, {
            cluster_id: c.cluster_id,
            category: m.category,
            subtype: m.subtype,
            provider: limitProvider(m.provider),
            model: limitModel(m.model ?? 'none'),
            relation: m.relation,
          });
        }
      }
    },
    [clustersActive, strength, clusterEvents, effectEvents],
  );

  return {
    record(updates) {
      for (const { cluster } of updates) {
        newestMs = Math.max(newestMs, Date.parse(cluster.last_seen_at));
        const seen = active.get(cluster.cluster_id);
        if (seen && seen.revision > cluster.revision) continue;
        if (cluster.state === 'active') active.set(cluster.cluster_id, cluster);
        else active.delete(cluster.cluster_id);
      }
      // A cluster whose closing never arrived (the agent stopped first) goes once its window is long past.
      for (const [id, c] of active) if (Date.parse(c.last_seen_at) + 2 * c.window_ms < newestMs) active.delete(id);
    },
  };
}
