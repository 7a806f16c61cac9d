// One open incident as the processor holds it: the Incident snapshot plus what counting needs
// (distinct requests and teams, which evidence is already sampled) and the members and changes
// not yet emitted. Pure bookkeeping; when transitions happen is decided in index.ts.
import { createHash } from 'node:crypto';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { Incident, IncidentRef, IncidentUpdate, TransitionKind } from '../../agent/core/model/incident.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import type { Fingerprint } from './fingerprint.ts';

/** Distinct requests remembered per incident; past it each new event counts its own requests. */
const MAX_TRACKED_REQUESTS = 100_000;

export interface LiveIncident {
  /** The working copy (mutated as events join); never handed out — updates carry snapshots. */
  incident: Incident;
  /** first_seen_at and last_seen_at in ms, so joining an event parses no dates. */
  firstMs: number;
  lastMs: number;
  readonly requests: Set<string>;
  readonly teams: Set<string>;
  readonly sampleKeys: Set<string>;
  /** Members joined since the last emitted update. */
  pending: { failure_id: string; occurred_at: string }[];
  /** Severity before the first change since the last emitted update, when it changed. */
  severityBefore: Severity | null;
  /** Symptom incidents this root started listing since the last emitted update. */
  symptomsAdded: IncidentRef[];
  /** The root incident whose inhibition ended since the last emitted update (it resolved, this one goes on). */
  releasedFrom: string | null;
}

export interface IncidentSettings {
  readonly evidenceSamples: number;
  readonly runbookUrl: string | null;
}

export function incidentIdFor(fingerprint: string, openedMs: number): string {
  return createHash('sha256').update(`${fingerprint}@${openedMs}`).digest('hex').slice(0, 32);
}

export function openIncident(event: FailureEvent, fp: Fingerprint, settings: IncidentSettings): LiveIncident {
  const at = event.timestamp;
  const incident: Incident = {
    incident_id: incidentIdFor(fp.key, Date.parse(at)),
    fingerprint: fp.key,
    state: 'open',
    category: event.category,
    subtype: 'subtype' in fp.scope ? event.subtype : '*',
    severity: event.severity,
    initial_severity: event.severity,
    provider: 'provider' in fp.scope ? event.provider : '*',
    model: 'model' in fp.scope ? event.model : null,
    scope: fp.scope,
    title: '',
    runbook_url: settings.runbookUrl,
    event_count: 0,
    affected_requests: 0,
    affected_users: 0,
    affected_teams: 0,
    evidence_sample: [],
    first_seen_at: at,
    last_seen_at: at,
    opened_at: at,
    escalated_at: null,
    resolved_at: null,
    revision: 0,
    cluster_id: null,
    caused_by: null,
    inhibited: false,
    symptoms: [],
  };
  const live = restoreLive(incident);
  joinEvent(live, event, Date.parse(at), settings);
  live.severityBefore = null;
  return live;
}

/** The live form of an incident read back from the store: counts continue from its row. */
export function restoreLive(incident: Incident): LiveIncident {
  const sampleKeys = new Set(incident.evidence_sample.map((s) => JSON.stringify(s.evidence ?? s)));
  return {
    incident: { ...incident },
    firstMs: Date.parse(incident.first_seen_at),
    lastMs: Date.parse(incident.last_seen_at),
    requests: new Set(),
    teams: new Set(),
    sampleKeys,
    pending: [],
    severityBefore: null,
    symptomsAdded: [],
    releasedFrom: null,
  };
}

export function joinEvent(live: LiveIncident, event: FailureEvent, eventMs: number, settings: IncidentSettings): void {
  // live.incident is this incident's own working copy; takeUpdate hands out snapshots of it.
  const i = live.incident;
  i.event_count += 1;
  if (eventMs < live.firstMs) {
    live.firstMs = eventMs;
    i.first_seen_at = event.timestamp;
  }
  if (eventMs > live.lastMs) {
    live.lastMs = eventMs;
    i.last_seen_at = event.timestamp;
  }

  // Attempts of one client request share a trace, so distinct traces count requests; a
  // window-level event (no span) reports its own request count.
  const request = event.span_id !== null ? event.trace_id : null;
  if (request === null || live.requests.size >= MAX_TRACKED_REQUESTS) i.affected_requests += Math.max(1, event.impact_scope.requests);
  else if (!live.requests.has(request)) {
    live.requests.add(request);
    i.affected_requests += 1;
  }
  // Users arrive as counts over the classifier's window (ids are never carried), so the
  // incident reports the largest count seen: a lower bound, never a double count.
  i.affected_users = Math.max(i.affected_users, event.impact_scope.users);
  if (event.impact_scope.team !== null) live.teams.add(event.impact_scope.team);
  i.affected_teams = Math.max(i.affected_teams, live.teams.size, event.impact_scope.teams);

  if (isMoreSevere(event.severity, i.severity)) {
    live.severityBefore ??= i.severity;
    i.severity = event.severity;
  }
  if (i.evidence_sample.length < settings.evidenceSamples) {
    const sampleKey = JSON.stringify(event.evidence);
    if (!live.sampleKeys.has(sampleKey)) {
      live.sampleKeys.add(sampleKey);
      // A new array: earlier snapshots share the old one.
      i.evidence_sample = [
        ...i.evidence_sample,
        {
          failure_id: event.failure_id,
          timestamp: event.timestamp,
          severity: event.severity,
          trace_id: event.trace_id,
          evidence: event.evidence,
        },
      ];
    }
  }
  live.pending.push({ failure_id: event.failure_id, occurred_at: event.timestamp });
}

/** Raises the severity one level (an escalation); the caller then records it with takeUpdate. */
export function escalate(live: LiveIncident): void {
  live.severityBefore ??= live.incident.severity;
  live.incident.severity = raiseOneLevel(live.incident.severity);
}

/** Applies a lifecycle change and returns the update that records it (revision bumped, pending members attached). */
export function takeUpdate(live: LiveIncident, kind: TransitionKind, atMs: number, detail: Record<string, unknown> = {}): IncidentUpdate {
  const at = new Date(atMs).toISOString();
  const w = live.incident;
  w.revision += 1;
  if (kind === 'escalated') w.escalated_at = at;
  if (kind === 'resolved') {
    w.state = 'resolved';
    w.resolved_at = at;
  }
  w.title = titleOf(w);
  const i: Incident = { ...w };
  const fullDetail = {
    ...detail,
    event_count: i.event_count,
    ...(live.severityBefore !== null ? { severity_from: live.severityBefore } : {}),
    // Why a transition that would page does not: the open root incident that speaks for it.
    ...(i.inhibited && kind !== 'resolved' ? { inhibited_by: i.caused_by } : {}),
    ...(live.symptomsAdded.length > 0 ? { symptoms_added: live.symptomsAdded } : {}),
    ...(live.releasedFrom !== null ? { released_from: live.releasedFrom } : {}),
  };
  const suffix = kind === 'updated' ? `/${i.revision}` : '';
  const update: IncidentUpdate = {
    incident: i,
    transition: { transition_id: `${i.incident_id}/${kind}/${atMs}${suffix}`, kind, severity: i.severity, at, detail: fullDetail },
    new_members: live.pending,
  };
  live.pending = [];
  live.severityBefore = null;
  live.symptomsAdded = [];
  live.releasedFrom = null;
  return update;
}

export function isMoreSevere(a: Severity, b: Severity): boolean {
  return a < b; // 'P1' < 'P2' < 'P3' < 'P4'
}

export function raiseOneLevel(s: Severity): Severity {
  return s === 'P4' ? 'P3' : s === 'P3' ? 'P2' : 'P1';
}

export function titleOf(i: Incident): string {
  const where = [i.provider !== '*' ? i.provider : null, i.model].filter((x) => x !== null).join(' ');
  const what = `${i.category} ${i.subtype === '*' ? 'failures' : i.subtype.replace(/_/g, ' ')}`;
  const n = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  return `${i.severity} ${what}${where ? ` on ${where}` : ''}: ${n(i.event_count, 'event')}, ${n(i.affected_requests, 'request')}`;
}
