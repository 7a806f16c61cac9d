// An incident as an Alertmanager alert: stable identity labels (alertname, severity, category,
// subtype, provider, model, incident_id — never counts or times, which would make every update a
// new alert) and text annotations (summary, description, runbook_url, evidence, impact). Shared by
// the alertmanager exporter (POST /api/v2/alerts) and the webhook exporter (webhook v4 payload).
import { createHash } from 'node:crypto';
import { RUNBOOK_BY_CATEGORY, type Incident } from '../../core/model/incident.ts';
import { cutText } from '../../core/model/storable-text.ts';
import type { Severity } from '../../core/model/taxonomy.ts';

/** Alertmanager's conventional severity names; P-levels stay visible in `priority`. */
export const SEVERITY_LABEL: Record<Severity, string> = { P1: 'critical', P2: 'error', P3: 'warning', P4: 'info' };

const EVIDENCE_CHARS = 2_000;

export function alertName(incident: Incident): string {
  const pascal = (s: string) =>
    s
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join('');
  return `GenAI${pascal(incident.category)}${incident.subtype === '*' ? 'Failures' : pascal(incident.subtype)}`;
}

export function alertLabels(incident: Incident, severity: Severity = incident.severity): Record<string, string> {
  const labels: Record<string, string> = {
    alertname: alertName(incident),
    severity: SEVERITY_LABEL[severity],
    priority: severity,
    category: incident.category,
    subtype: incident.subtype,
    provider: incident.provider,
    incident_id: incident.incident_id,
  };
  if (incident.model !== null) labels.model = incident.model;
  return labels;
}

export function alertAnnotations(incident: Incident): Record<string, string> {
  const annotations: Record<string, string> = {
    summary: incident.title,
    description: describeIncident(incident),
    impact: impactLine(incident),
    evidence: truncate(JSON.stringify(incident.evidence_sample), EVIDENCE_CHARS),
    runbook: RUNBOOK_BY_CATEGORY[incident.category],
  };
  if (incident.runbook_url !== null) annotations.runbook_url = incident.runbook_url;
  if (incident.cluster_id !== null) annotations.cluster_id = incident.cluster_id;
  if (incident.caused_by !== null) annotations.caused_by = incident.caused_by;
  if (incident.symptoms.length > 0) annotations.symptoms = symptomLines(incident);
  return annotations;
}

/** The incidents a root incident speaks for, one line each. */
export function symptomLines(i: Incident): string {
  return i.symptoms
    .map((s) => `${s.title || `${s.category}/${s.subtype} on ${s.provider}${s.model ? ` ${s.model}` : ''}`} (incident ${s.incident_id})`)
    .join('\n');
}

export function impactLine(i: Incident): string {
  return `${i.event_count} events, ${i.affected_requests} requests, ${i.affected_users} users, ${i.affected_teams} teams`;
}

export function describeIncident(i: Incident): string {
  const scope = Object.entries(i.scope)
    .map(([k, v]) => `${k}=${v ?? '-'}`)
    .join(', ');
  const lines = [
    `${i.category}/${i.subtype} incident (${scope}), severity ${i.severity}${i.severity !== i.initial_severity ? ` (opened as ${i.initial_severity})` : ''}.`,
    `First seen ${i.first_seen_at}, last seen ${i.last_seen_at}${i.resolved_at ? `, resolved ${i.resolved_at}` : ''}.`,
    `Impact: ${impactLine(i)}.`,
  ];
  lines.push(`Runbook: ${RUNBOOK_BY_CATEGORY[i.category]}${i.runbook_url ? ` (${i.runbook_url})` : ''}.`);
  if (i.symptoms.length > 0)
    lines.push(
      `Root cause of ${i.symptoms.length} more incident${i.symptoms.length === 1 ? '' : 's'} (not paged on their own):\n${symptomLines(i)}`,
    );
  if (i.caused_by !== null) lines.push(`Caused by incident ${i.caused_by}${i.cluster_id ? ` (correlation cluster ${i.cluster_id})` : ''}.`);
  return lines.join('\n');
}

/** Alertmanager's own fingerprint is a hash of the label set; ours is too, sorted by name. */
export function labelFingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** At most `max` characters, ending in … when cut; never half of a surrogate pair. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${cutText(text, max - 1)}…`;
}
