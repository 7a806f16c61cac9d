// Incidents as Slack incoming-webhook messages ({ text } in Slack's mrkdwn): one message per
// trigger or resolve, or one digest listing many.
import { RUNBOOK_BY_CATEGORY, type Incident } from '../../agent/core/model/incident.ts';
import { impactLine } from '../../agent/delivery/notify/alert-content.ts';

export interface SlackMessage {
  text: string;
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function links(incident: Incident, externalUrl: string | null): string {
  const runbook = `Runbook: ${RUNBOOK_BY_CATEGORY[incident.category]}`;
  const out: string[] = [incident.runbook_url ? `<${incident.runbook_url}|${runbook}>` : runbook];
  if (externalUrl) out.push(`<${externalUrl.replace(/\/+$/, '')}/api/v1/incidents/${incident.incident_id}|Incident>`);
  return `\n${out.join(' · ')}`;
}

export function incidentMessage(incident: Incident, action: 'trigger' | 'resolve', externalUrl: string | null): SlackMessage {
  if (action === 'resolve') {
    return {
      text: `:white_check_mark: *Resolved:* ${escape(incident.title)}\n${escape(impactLine(incident))}; resolved ${incident.resolved_at ?? ''}${links(incident, externalUrl)}`,
    };
  }
  const icon = incident.severity === 'P1' || incident.severity === 'P2' ? ':rotating_light:' : ':warning:';
  const symptoms = incident.symptoms.length > 0 ? `\nAlso caused: ${incident.symptoms.map((s) => escape(s.title)).join('; ')}` : '';
  return {
    text: `${icon} *${escape(incident.title)}*\n${escape(impactLine(incident))}; first seen ${incident.first_seen_at}${symptoms}${links(incident, externalUrl)}`,
  };
}

export interface DigestItem {
  incident: Incident;
  /** Whether it opened (or was raised) and whether it resolved within this digest. */
  triggered: boolean;
  resolved: boolean;
}

export function digestMessage(items: DigestItem[], maxItems: number): SlackMessage {
  const lines = items.slice(0, maxItems).map(({ incident, triggered, resolved }) => {
    const state = resolved ? (triggered ? 'opened and resolved' : 'resolved') : 'open';
    return `• *${escape(incident.title)}* — ${state} (${escape(impactLine(incident))})`;
  });
  if (items.length > maxItems) lines.push(`…and ${items.length - maxItems} more`);
  return { text: `:bookmark_tabs: faultline digest: ${items.length} incident${items.length === 1 ? '' : 's'}\n${lines.join('\n')}` };
}
