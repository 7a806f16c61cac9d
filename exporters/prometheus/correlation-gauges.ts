// Correlation clusters as gauges, from the correlations lane: how many are active by type and how
// strong they are, and, for the dashboard's timeline, the failures in the active clusters by root
// cause and by effect. The SDK keeps reporting the last value of a label set that a callback stops
// observing (cumulative gauges), so every label set once seen is observed on each collection, at 0
// when no active cluster has it; label values are bounded (taxonomy, limited providers and models).
import type { Attributes, Meter } from '@opentelemetry/api';
import { ClusterType, type CorrelationCluster, type CorrelationUpdate } from '../../agent/core/model/correlation.ts';
import type { LabelLimiter } from './label-limiter.ts';

/** Label sets kept per timeline gauge; past it new ones are not shown (the SDK's own limit is 2,000). */
export const MAX_TIMELINE_SERIES = 500;

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
    description:
      'Mean strength (0–1) of the active correlation clusters of each cluster_type (how surely their failures are related); 0 when none.',
  });
  const rootEvents = meter.createObservableGauge('failure_correlation_root_events', {
    description: 'Failures in the active correlation clusters with this root cause (0 once none is active).',
  });
  const effectEvents = meter.createObservableGauge('failure_correlation_effect_events', {
    description: 'Failures of this effect (a non-root kind) in the active correlation clusters with this root cause, by how it is linked.',
  });
  const roots = new SeriesSet();
  const effects = new SeriesSet();

  meter.addBatchObservableCallback(
    (r) => {
      for (const type of ClusterType.options) {
        const of = [...active.values()].filter((c) => c.cluster_type === type);
        r.observe(clustersActive, of.length, { cluster_type: type });
        r.observe(strength, of.length === 0 ? 0 : of.reduce((s, c) => s + c.strength, 0) / of.length, { cluster_type: type });
      }
      roots.clear();
      effects.clear();
      for (const c of active.values()) {
        const root = c.root_cause;
        const rootLabels = {
          root_category: root.category,
          root_subtype: root.subtype,
          root_provider: limitProvider(root.provider),
          root_model: limitModel(root.model ?? 'none'),
        };
        roots.add({ cluster_type: c.cluster_type, ...rootLabels }, c.event_count);
        for (const m of c.members) {
          if (m.relation === 'root') continue;
          effects.add(
            {
              ...rootLabels,
              category: m.category,
              subtype: m.subtype,
              provider: limitProvider(m.provider),
              model: limitModel(m.model ?? 'none'),
              relation: m.relation,
            },
            m.count,
          );
        }
      }
      roots.observe((labels, value) => r.observe(rootEvents, value, labels));
      effects.observe((labels, value) => r.observe(effectEvents, value, labels));
    },
    [clustersActive, strength, rootEvents, effectEvents],
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

/** Label sets with their current sums; a label set once seen stays, at 0 when nothing adds to it. */
class SeriesSet {
  private readonly series = new Map<string, { labels: Attributes; value: number }>();

  clear(): void {
    for (const s of this.series.values()) s.value = 0;
  }

  add(labels: Attributes, value: number): void {
    const key = JSON.stringify(labels);
    const seen = this.series.get(key);
    if (seen) seen.value += value;
    else if (this.series.size < MAX_TIMELINE_SERIES) this.series.set(key, { labels, value });
  }

  observe(each: (labels: Attributes, value: number) => void): void {
    for (const s of this.series.values()) each(s.labels, s.value);
  }
}
