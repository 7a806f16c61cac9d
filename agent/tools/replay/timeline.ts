// What a replay detected, over time. With an `incidents` processor in the pipeline the timeline is
// its transitions (opened, escalated, resolved); without one, failure events are grouped into
// episodes per category/subtype/provider/model (a gap of EPISODE_GAP_MS ends an episode), the
// first event of an episode being its detection. MTTD is measured from the first failing span.
import type { FailureEvent } from '../../core/model/failure-event.ts';
import type { IncidentUpdate } from '../../core/model/incident.ts';
import type { Severity } from '../../core/model/taxonomy.ts';

export const EPISODE_GAP_MS = 300_000;

export interface Detected {
  source: 'episode' | 'incident';
  category: string;
  subtype: string;
  provider: string;
  model: string | null;
  /** Event time at which the pipeline put out the first event (or opened the incident). */
  detectedAtMs: number;
  /** The most severe severity reached. */
  severity: Severity;
  initialSeverity: Severity;
  escalatedAtMs: number | null;
  /** null: still open when the replay ended. */
  resolvedAtMs: number | null;
  events: number;
  /** Set for an episode of secondary matches: the primary category/subtype of the events carrying them. */
  secondaryOf?: string;
}

export interface TimelineEntry {
  atMs: number;
  kind: 'opened' | 'escalated' | 'resolved';
  detected: Detected;
}

export const SEVERITY_RANK: Record<Severity, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };
const moreSevere = (a: Severity, b: Severity): Severity => (SEVERITY_RANK[a] <= SEVERITY_RANK[b] ? a : b);

/** What an episode reads of a failure event. */
interface EpisodeEvent {
  category: string;
  subtype: string;
  provider: string;
  model: string | null;
  timestamp: string;
  severity: Severity;
}

export function episodesFromEvents(events: readonly { event: EpisodeEvent; emittedAtMs: number }[], endMs: number): Detected[] {
  const sorted = [...events].sort((a, b) => a.emittedAtMs - b.emittedAtMs || Date.parse(a.event.timestamp) - Date.parse(b.event.timestamp));
  const open = new Map<string, { d: Detected; lastEventMs: number }>();
  const done: Detected[] = [];
  for (const { event, emittedAtMs } of sorted) {
    const key = `${event.category}/${event.subtype}/${event.provider}/${event.model ?? ''}`;
    const at = Date.parse(event.timestamp);
    let cur = open.get(key);
    if (cur && at - cur.lastEventMs > EPISODE_GAP_MS) {
      cur.d.resolvedAtMs = cur.lastEventMs + EPISODE_GAP_MS;
      done.push(cur.d);
      cur = undefined;
    }
    if (!cur) {
      cur = {
        d: {
          source: 'episode',
          category: event.category,
          subtype: event.subtype,
          provider: event.provider,
          model: event.model,
          detectedAtMs: emittedAtMs,
          severity: event.severity,
          initialSeverity: event.severity,
          escalatedAtMs: null,
          resolvedAtMs: null,
          events: 0,
        },
        lastEventMs: at,
      };
      open.set(key, cur);
    }
    cur.d.events++;
    cur.lastEventMs = Math.max(cur.lastEventMs, at);
    const next = moreSevere(cur.d.severity, event.severity);
    if (next !== cur.d.severity) {
      cur.d.severity = next;
      cur.d.escalatedAtMs ??= emittedAtMs;
    }
  }
  for (const { d, lastEventMs } of open.values()) {
    if (lastEventMs + EPISODE_GAP_MS <= endMs) d.resolvedAtMs = lastEventMs + EPISODE_GAP_MS;
    done.push(d);
  }
  return done.sort((a, b) => a.detectedAtMs - b.detectedAtMs);
}

/**
 * Episodes of the secondary matches events carry (a token_spike on a call whose primary event is
 * a prompt injection): the pipeline detected them, on the same calls as another failure.
 */
export function secondaryEpisodesFromEvents(events: readonly { event: FailureEvent; emittedAtMs: number }[], endMs: number): Detected[] {
  const carriers = new Map<string, string>();
  const expanded = events.flatMap(({ event, emittedAtMs }) =>
    event.secondary.map((s) => {
      const episode: EpisodeEvent = {
        category: s.category,
        subtype: s.subtype,
        provider: event.provider,
        model: event.model,
        timestamp: event.timestamp,
        severity: event.severity,
      };
      carriers.set(`${s.category}/${s.subtype}/${event.provider}/${event.model ?? ''}`, `${event.category}/${event.subtype}`);
      return { event: episode, emittedAtMs };
    }),
  );
  return episodesFromEvents(expanded, endMs).map((d) => ({
    ...d,
    secondaryOf: carriers.get(`${d.category}/${d.subtype}/${d.provider}/${d.model ?? ''}`),
  }));
}

export function fromIncidents(updates: readonly { update: IncidentUpdate; emittedAtMs: number }[]): Detected[] {
  const byId = new Map<string, Detected>();
  for (const { update, emittedAtMs } of updates) {
    const i = update.incident;
    let d = byId.get(i.incident_id);
    if (!d) {
      d = {
        source: 'incident',
        category: i.category,
        subtype: i.subtype,
        provider: i.provider,
        model: i.model,
        detectedAtMs: emittedAtMs,
        severity: i.severity,
        initialSeverity: i.initial_severity,
        escalatedAtMs: null,
        resolvedAtMs: null,
        events: 0,
      };
      byId.set(i.incident_id, d);
    }
    d.events = i.event_count;
    if (update.transition.kind === 'escalated') d.escalatedAtMs ??= emittedAtMs;
    if (update.transition.kind === 'resolved') d.resolvedAtMs = emittedAtMs;
    if (update.transition.kind === 'reopened') d.resolvedAtMs = null;
    d.severity = moreSevere(d.severity, i.severity);
  }
  return [...byId.values()].sort((a, b) => a.detectedAtMs - b.detectedAtMs);
}

export function timelineOf(detected: readonly Detected[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const d of detected) {
    entries.push({ atMs: d.detectedAtMs, kind: 'opened', detected: d });
    if (d.escalatedAtMs !== null) entries.push({ atMs: d.escalatedAtMs, kind: 'escalated', detected: d });
    if (d.resolvedAtMs !== null) entries.push({ atMs: d.resolvedAtMs, kind: 'resolved', detected: d });
  }
  return entries.sort((a, b) => a.atMs - b.atMs);
}

export function formatTimeline(entries: readonly TimelineEntry[], startMs: number, firstFailureMs: number | null): string {
  if (entries.length === 0) return '  (nothing detected)\n';
  let out = '';
  for (const e of entries) {
    const d = e.detected;
    const what = `${d.category}/${d.subtype}`.padEnd(36);
    const where = `${d.provider}${d.model ? ` ${d.model}` : ''}`.padEnd(34);
    const sev = e.kind === 'opened' ? d.initialSeverity : d.severity;
    const mttd = e.kind === 'opened' && firstFailureMs !== null ? `  MTTD ${formatDuration(e.atMs - firstFailureMs)}` : '';
    const count = e.kind === 'resolved' ? `  (${d.events} event${d.events === 1 ? '' : 's'})` : '';
    out += `  ${formatOffset(e.atMs - startMs).padStart(9)}  ${e.kind.padEnd(9)}  ${what} ${where} ${sev}${mttd}${count}\n`;
  }
  return out;
}

export function formatOffset(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const s = Math.abs(ms) / 1000;
  const m = Math.floor(s / 60);
  const h = Math.floor(m / 60);
  const rest = (s - m * 60).toFixed(1).padStart(4, '0');
  return h > 0 ? `${sign}${h}h${String(m % 60).padStart(2, '0')}m${rest}s` : `${sign}${m}m${rest}s`;
}

export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (Math.abs(s) < 60) return `${s.toFixed(1)}s`;
  // Whole seconds first, so 119.96 s reads 2m00s rather than 1m60s.
  const whole = Math.round(Math.abs(s));
  const m = Math.floor(whole / 60);
  return `${s < 0 ? '-' : ''}${m}m${String(whole - m * 60).padStart(2, '0')}s`;
}
