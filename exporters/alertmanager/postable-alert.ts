// An incident as one entry of Alertmanager's POST /api/v2/alerts array (postableAlert in its
// OpenAPI document): labels, annotations, startsAt, endsAt, generatorURL.
import type { Incident } from '../../agent/core/model/incident.ts';
import type { Severity } from '../../agent/core/model/taxonomy.ts';
import { alertAnnotations, alertLabels } from '../../agent/delivery/notify/alert-content.ts';

export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

export function postableAlert(incident: Incident, endsAtMs: number, externalUrl: string | null, severity?: Severity): PostableAlert {
  const alert: PostableAlert = {
    labels: alertLabels(incident, severity),
    annotations: alertAnnotations(incident),
    startsAt: incident.opened_at,
    endsAt: new Date(endsAtMs).toISOString(),
  };
  if (externalUrl !== null) alert.generatorURL = `${externalUrl.replace(/\/+$/, '')}/api/v1/incidents/${incident.incident_id}`;
  return alert;
}
