// What the correlator said about a batch's failures (its `correlations` lane): the cluster each
// failure joined and that cluster's root cause. An incident takes its cluster from its failures and
// its root incident from the root cause: the open incident the root's fingerprint names. A symptom
// incident opened while its root incident is open does not page; the root incident lists it.
import type { CorrelationUpdate, RootCause } from '../../agent/core/model/correlation.ts';
import type { IncidentRef } from '../../agent/core/model/incident.ts';
import type { FingerprintSubject } from './fingerprint.ts';
import { titleOf, type LiveIncident } from './live-incident.ts';

/** Symptoms a root incident lists; past it the oldest drop off the list (the count stays in the cluster). */
export const MAX_SYMPTOMS = 20;

export interface ClusterLink {
  readonly clusterId: string;
  readonly root: RootCause;
}

/** Failure id → the cluster it joined, as of the newest revision of that cluster in the batch. */
export function clusterLinks(updates: readonly CorrelationUpdate[]): Map<string, ClusterLink> {
  const newest = new Map<string, CorrelationUpdate['cluster']>();
  for (const { cluster } of updates) {
    const seen = newest.get(cluster.cluster_id);
    if (!seen || seen.revision < cluster.revision) newest.set(cluster.cluster_id, cluster);
  }
  const out = new Map<string, ClusterLink>();
  for (const u of updates) {
    const cluster = newest.get(u.cluster.cluster_id)!;
    for (const m of u.new_members) out.set(m.failure_id, { clusterId: cluster.cluster_id, root: cluster.root_cause });
  }
  return out;
}

/** The root cause described as an event, so the incidents processor can name its incident. */
export function rootSubject(root: RootCause): FingerprintSubject {
  return {
    category: root.category,
    subtype: root.subtype,
    provider: root.provider,
    model: root.model,
    impact_scope: { team: root.team, route: root.route },
  };
}

export function incidentRef(live: LiveIncident): IncidentRef {
  const i = live.incident;
  return { incident_id: i.incident_id, category: i.category, subtype: i.subtype, provider: i.provider, model: i.model, title: titleOf(i) };
}

/** Lists the symptom on its root (newest last, at most MAX_SYMPTOMS) and remembers it for the root's next update. */
export function addSymptom(root: LiveIncident, symptom: LiveIncident): void {
  const ref = incidentRef(symptom);
  const others = root.incident.symptoms.filter((s) => s.incident_id !== ref.incident_id);
  root.incident.symptoms = [...others, ref].slice(-MAX_SYMPTOMS);
  root.symptomsAdded.push(ref);
}
