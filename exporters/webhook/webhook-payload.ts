// The Alertmanager webhook payload, version "4" (alertmanager docs/configuration.md,
// <webhook_config>), one group per incident: groupKey names the incident, alerts[] holds its
// alert (and, after a severity change, the alert it replaces, as resolved).
import type { Incident } from '../../agent/core/model/incident.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import { alertAnnotations, alertLabels, labelFingerprint } from '../../agent/delivery/notify/alert-content.ts';

/** What Alertmanager sends as endsAt of a firing alert: the zero time. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookPayload {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

export function webhookAlert(
  incident: Incident,
  status: 'firing' | 'resolved',
  externalUrl: string | null,
  options: { severity?: Severity; endsAt?: string } = {},
): WebhookAlert {
  const labels = alertLabels(incident, options.severity);
  return {
    status,
    labels,
    annotations: alertAnnotations(incident),
    startsAt: incident.opened_at,
    endsAt: status === 'firing' ? ZERO_TIME : (options.endsAt ?? incident.resolved_at ?? incident.last_seen_at),
    generatorURL: externalUrl ? `${externalUrl.replace(/\/+$/, '')}/api/v1/incidents/${incident.incident_id}` : '',
    fingerprint: labelFingerprint(labels),
  };
}

export function webhookPayload(receiver: string, alerts: WebhookAlert[], externalUrl: string | null): WebhookPayload {
  const first = alerts[0];
  const incidentId = first.labels.incident_id;
  return {
    version: '4',
    groupKey: `{}:{incident_id="${incidentId}"}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver,
    groupLabels: { incident_id: incidentId },
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: externalUrl ?? '',
    alerts,
  };
}

/** The key/value pairs every alert shares, as Alertmanager computes commonLabels. */
function common(maps: Record<string, string>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(maps[0])) if (maps.every((m) => m[k] === v)) out[k] = v;
  return out;
}
