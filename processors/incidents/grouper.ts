// The grouping state of the incidents processor: open incidents by fingerprint, and what joining
// events and the passing of time do to them. The same for an agent grouping its own events and
// for the fleet leader grouping everyone's (fleet-source.ts); which events arrive when is theirs.
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { Incident, IncidentUpdate } from '../../agent/core/model/incident.ts';
import { Category } from '../../agent/core/model/taxonomy.ts';
import type { IncidentsConfig } from './config.ts';
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
  /** Joins events to open incidents or opens new ones; one update per incident touched. */
  group(events: readonly FailureEvent[]): IncidentUpdate[];
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
    group(input) {
      const events = input.filter((e) => !isMoreSevere(config.min_severity, e.severity));
      if (events.length === 0) return [];
      const sorted = events.map((event) => ({ event, ms: Date.parse(event.timestamp) })).sort((a, b) => a.ms - b.ms);
      const updates: IncidentUpdate[] = [];
      const touched = new Map<LiveIncident, 'opened' | 'updated'>();
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
      }
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
