// The `incidents` lane: incidents upserted keeping the highest revision, transitions and members
// inserted once. Every write is idempotent, so a batch delivered twice changes nothing.
import type { IncidentUpdate } from '../../core/model/incident.ts';
import { INCIDENT_COLUMNS, incidentToParams } from '../incident-row.ts';
import { insertRows } from './insert-rows.ts';
import type { LaneWriter } from './lane-writer.ts';

const INCIDENT_UPDATE_SET = INCIDENT_COLUMNS.filter((c) => c !== 'incident_id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .concat('updated_at = now()')
  .join(', ');

export const incidentUpdatesWriter: LaneWriter<IncidentUpdate> = {
  recordType: 'incident_update',
  async write(client, updates, { maxRowsPerStatement: maxRows }) {
    // One row per incident in a statement (ON CONFLICT DO UPDATE may touch a row once), the highest
    // revision of it; resolved ones first, so an incident that replaces a resolved one with the same
    // fingerprint never meets it still open (one open incident per fingerprint).
    const latest = new Map<string, IncidentUpdate['incident']>();
    for (const u of updates) {
      const seen = latest.get(u.incident.incident_id);
      if (!seen || seen.revision < u.incident.revision) latest.set(u.incident.incident_id, u.incident);
    }
    const incidents = [...latest.values()].sort((a, b) => (a.state === b.state ? 0 : a.state === 'resolved' ? -1 : 1));
    await insertRows(
      client,
      'incidents',
      INCIDENT_COLUMNS,
      incidents.map(incidentToParams),
      `ON CONFLICT (incident_id) DO UPDATE SET ${INCIDENT_UPDATE_SET} WHERE incidents.revision < EXCLUDED.revision`,
      maxRows,
    );
    await insertRows(
      client,
      'incident_transitions',
      ['transition_id', 'incident_id', 'kind', 'severity', 'at', 'detail'],
      updates.map((u) => [
        u.transition.transition_id,
        u.incident.incident_id,
        u.transition.kind,
        u.transition.severity,
        u.transition.at,
        JSON.stringify(u.transition.detail),
      ]),
      'ON CONFLICT (transition_id, at) DO NOTHING',
      maxRows,
    );
    await insertRows(
      client,
      'incident_events',
      ['incident_id', 'failure_id', 'occurred_at'],
      updates.flatMap((u) => u.new_members.map((m) => [u.incident.incident_id, m.failure_id, m.occurred_at])),
      'ON CONFLICT (incident_id, failure_id, occurred_at) DO NOTHING',
      maxRows,
    );
  },
};
