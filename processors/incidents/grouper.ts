// The grouping state of the incidents processor: open incidents by fingerprint, and what joining
// events and the passing of time do to them. The same for an agent grouping its own events and
// for the fleet leader grouping everyone's (fleet-source.ts); which events arrive when is theirs.
import type { CorrelationUpdate } from '../../agent/core/model/correlation.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { Incident, IncidentUpdate } from '../../agent/core/model/incident.ts';
import { Category } from '../../agent/core/model/taxonomy.ts';
import type { IncidentsConfig } from './config.ts';
import { addSymptom, clusterLinks, rootSubject, type ClusterLink } from './cluster-links.ts';
import { fingerprintOf, groupFieldsFor } from './fingerprint.ts';
import {
  escalate,
  isMoreSevere,
  joinEvent,
  openIncident,
  restoreLive,
  takeUpdate,
  type IncidentSettings,
  type LiveIncident,
} from './live-incident.ts';
import { runbookUrl } from './runbooks.ts';

export interface Grouper {
  /**
   * Joins events to open incidents or opens new ones; one update per incident touched. `correlations`
   * (the correlator's lane of the same batch) links incidents to clusters and inhibits symptoms.
   */
  group(events: readonly FailureEvent[], correlations?: readonly CorrelationUpdate[]): IncidentUpdate[];
  /** Resolutions and escalations due at nowMs, least recently seen incident first. */
  due(nowMs: number): IncidentUpdate[];
  /** Adds incidents read back from the store; one already open here wins over its stored twin. */
  restore(incidents: readonly Incident[]): void;
  /** Forgets every open incident (the store has them). */
  clear(): void;
  readonly size: number;
}

export function createGrouper(config: IncidentsConfig): Grouper {
  /** Open incidents by fingerprint; Map order is least recently seen first. */
  const open = new Map<string, LiveIncident>();
  const settings = Object.fromEntries(
    Category.options.map((c) => [
      c,
      { evidenceSamples: config.evidence_samples, runbookUrl: runbookUrl(c, config.runbooks, config.runbook_base_url) },
    ]),
  ) as Record<Category, IncidentSettings>;
  const quietSince = (live: LiveIncident) => live.lastMs + config.quiet_period_ms;
  const isOpen = (incidentId: string | null) =>
    incidentId !== null && [...open.values()].some((l) => l.incident.incident_id === incidentId);

  /**
   * Takes the cluster of a failure that joined `live`, and its root incident. An incident opened in
   * this batch (so not announced yet) whose root incident is open is inhibited: the root lists it.
   */
  function linkToCluster(live: LiveIncident, link: ClusterLink, touched: Map<LiveIncident, 'opened' | 'updated'>): void {
    const i = live.incident;
    if (i.state !== 'open') return;
    i.cluster_id = link.clusterId;
    const root = open.get(
      fingerprintOf(rootSubject(link.root), groupFieldsFor(link.root.category, config.group_by, config.group_by_category)).key,
    );
    // No open incident for the root (below min_severity, or resolved), or this is the root's own.
    if (!root || root === live) return;
    i.caused_by = root.incident.incident_id;
    if (touched.get(live) === 'opened' && !i.inhibited) {
      i.inhibited = true;
      addSymptom(root, live);
      if (!touched.has(root)) touched.set(root, 'updated');
    }
    // The root pages for the whole cascade, so at the severity of its worst symptom: a P1 effect of
    // a P3 cause still reaches the receivers that take P1 only.
    if (i.inhibited && isMoreSevere(i.severity, root.incident.severity)) {
      root.severityBefore ??= root.incident.severity;
      root.incident.severity = i.severity;
      if (!touched.has(root)) touched.set(root, 'updated');
    }
  }

  /** An inhibited incident that keeps getting failures after its root incident resolved pages on its own. */
  function releaseOrphans(touched: Map<LiveIncident, 'opened' | 'updated'>): void {
    for (const [live, kind] of touched) {
      const i = live.incident;
      if (kind !== 'updated' || !i.inhibited || i.state !== 'open' || live.pending.length === 0 || isOpen(i.caused_by)) continue;
      i.inhibited = false;
      live.releasedFrom = i.caused_by;
    }
  }

  function resolve(live: LiveIncident, atMs: number, reason: string): IncidentUpdate {
    open.delete(live.incident.fingerprint);
    return takeUpdate(live, 'resolved', atMs, { reason });
  }

  return {
    get size() {
      return open.size;
    },
    due(nowMs) {
      const out: IncidentUpdate[] = [];
      for (const live of [...open.values()]) {
        // Resolution is dated when the quiet period ended, not when the check noticed it, so a
        // replay resolves at the same instant whatever the check interval.
        if (quietSince(live) <= nowMs) {
          out.push(resolve(live, quietSince(live), 'quiet_period'));
          continue;
        }
        const i = live.incident;
        const escalateAt = Date.parse(i.opened_at) + config.escalation.after_ms;
        if (
          config.escalation.enabled &&
          i.escalated_at === null &&
          i.severity !== 'P1' &&
          i.event_count >= config.escalation.min_events &&
          escalateAt <= nowMs
        ) {
          escalate(live);
          out.push(takeUpdate(live, 'escalated', escalateAt, { reason: 'sustained', after_ms: config.escalation.after_ms }));
        }
      }
      return out;
    },
    restore(incidents) {
      for (const incident of incidents) if (!open.has(incident.fingerprint)) open.set(incident.fingerprint, restoreLive(incident));
    },
    clear() {
      open.clear();
    },
    group(input, correlations = []) {
      const events = input.filter((e) => !isMoreSevere(config.min_severity, e.severity));
      if (events.length === 0) return [];
      const sorted = events.map((event) => ({ event, ms: Date.parse(event.timestamp) })).sort((a, b) => a.ms - b.ms);
      const updates: IncidentUpdate[] = [];
      const touched = new Map<LiveIncident, 'opened' | 'updated'>();
      const links = correlations.length > 0 ? clusterLinks(correlations) : null;
      const linked: { live: LiveIncident; link: ClusterLink }[] = [];
      for (const { event, ms: eventMs } of sorted) {
        const fp = fingerprintOf(event, groupFieldsFor(event.category, config.group_by, config.group_by_category));
        let live = open.get(fp.key);
        if (live && quietSince(live) <= eventMs) {
          // The check has not run yet, but the incident went quiet before this event: close
          // it first, so a new outage is a new incident whatever the check interval.
          if (touched.has(live)) updates.push(takeUpdate(live, touched.get(live)!, live.lastMs));
          touched.delete(live);
          updates.push(resolve(live, quietSince(live), 'quiet_period'));
          live = undefined;
        }
        if (live) {
          joinEvent(live, event, eventMs, settings[event.category]);
          open.delete(fp.key); // re-inserted: most recently seen last
          open.set(fp.key, live);
          if (!touched.has(live)) touched.set(live, 'updated');
        } else {
          live = openIncident(event, fp, settings[event.category]);
          open.set(fp.key, live);
          touched.set(live, 'opened');
          while (open.size > config.max_open) {
            const oldest = open.values().next().value as LiveIncident;
            if (touched.has(oldest)) updates.push(takeUpdate(oldest, touched.get(oldest)!, oldest.lastMs));
            touched.delete(oldest);
            updates.push(resolve(oldest, oldest.lastMs, 'capacity'));
          }
        }
        const link = links?.get(event.failure_id);
        if (link) linked.push({ live, link });
      }
      // After the whole batch joined, so a root incident opened later in the batch than its symptom still counts.
      for (const { live, link } of linked) linkToCluster(live, link, touched);
      releaseOrphans(touched);
      // One transition per incident per call: `opened` carries everything that joined in the
      // call that opened it; otherwise one coalesced `updated`.
      for (const [live, kind] of touched) {
        const at = kind === 'opened' ? Date.parse(live.incident.opened_at) : live.lastMs;
        updates.push(takeUpdate(live, kind, at));
      }
      return updates;
    },
  };
}
