// An incident as a PagerDuty Events API v2 event: dedup_key = incident id, so every trigger of an
// incident lands on one PagerDuty alert and the resolve closes it; severities mapped P1 critical,
// P2 error, P3 warning, P4 info; summary ≤ 1024 characters; the whole event under 512 KB (custom
// details are trimmed first). The routing key is added at send time.
import type { Incident } from '../../agent/core/model/incident.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import { describeIncident, impactLine, truncate } from '../../agent/delivery/notify/alert-content.ts';

export const PD_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  P1: 'critical',
  P2: 'error',
  P3: 'warning',
  P4: 'info',
};
export const MAX_EVENT_BYTES = 512_000;
const MAX_SUMMARY_CHARS = 1_024;

export interface PagerdutyEvent {
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: 'critical' | 'error' | 'warning' | 'info';
    timestamp: string;
    component?: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links?: { href: string; text: string }[];
  client?: string;
  client_url?: string;
}

export function pagerdutyEvent(
  incident: Incident,
  action: 'trigger' | 'resolve',
  at: string,
  options: { source: string; externalUrl: string | null },
): PagerdutyEvent {
  const dedup_key = incident.incident_id;
  if (action === 'resolve') return { event_action: 'resolve', dedup_key };
  const incidentUrl = options.externalUrl ? `${options.externalUrl.replace(/\/+$/, '')}/api/v1/incidents/${incident.incident_id}` : null;
  const links = [
    ...(incident.runbook_url ? [{ href: incident.runbook_url, text: 'Runbook' }] : []),
    ...(incidentUrl ? [{ href: incidentUrl, text: 'Incident in faultline' }] : []),
  ];
  const event: PagerdutyEvent = {
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: truncate(incident.title, MAX_SUMMARY_CHARS),
      source: [options.source, incident.provider, incident.model].filter((p) => p !== null && p !== '*').join('/'),
      severity: PD_SEVERITY[incident.severity],
      timestamp: at,
      ...(incident.model !== null ? { component: incident.model } : {}),
      group: incident.provider,
      class: `${incident.category}/${incident.subtype}`,
      custom_details: {
        incident_id: incident.incident_id,
        priority: incident.severity,
        fingerprint: incident.fingerprint,
        description: describeIncident(incident),
        impact: impactLine(incident),
        first_seen_at: incident.first_seen_at,
        last_seen_at: incident.last_seen_at,
        evidence_sample: incident.evidence_sample,
      },
    },
    client: 'faultline',
    ...(links.length > 0 ? { links } : {}),
    ...(incidentUrl ? { client_url: incidentUrl } : {}),
  };
  return withinLimit(event);
}

/** PagerDuty refuses events over 512 KB: drop the evidence sample, then the custom details. */
function withinLimit(event: PagerdutyEvent): PagerdutyEvent {
  // The routing key (32 chars) is added later; leave room for it.
  const size = (e: PagerdutyEvent) => Buffer.byteLength(JSON.stringify(e)) + 64;
  if (size(event) <= MAX_EVENT_BYTES || !event.payload) return event;
  const { evidence_sample: _dropped, ...rest } = event.payload.custom_details;
  const lighter = {
    ...event,
    payload: { ...event.payload, custom_details: { ...rest, evidence_sample: 'omitted: the event exceeded 512 KB' } },
  };
  if (size(lighter) <= MAX_EVENT_BYTES) return lighter;
  return {
    ...event,
    payload: { ...event.payload, custom_details: { incident_id: event.dedup_key, note: 'details omitted: the event exceeded 512 KB' } },
  };
}
