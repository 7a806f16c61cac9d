// Writes the `incidents` lane to the incident tables the way the postgres exporter does (upsert
// keeping the highest revision; transitions and members ON CONFLICT DO NOTHING), for tests that
// need incidents in the store without the exporter. Lead: replace with the real postgres exporter
// once branch i6-store is merged.
import type { Database } from '../../agent/store/database.ts';
import type { IncidentUpdate } from '../../agent/model/incident.ts';
import { INCIDENT_COLUMNS, incidentToParams } from '../../agent/store/incident-row.ts';

const placeholders = INCIDENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
const updates = INCIDENT_COLUMNS.filter((c) => c !== 'incident_id')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');
const UPSERT = `INSERT INTO incidents (${INCIDENT_COLUMNS.join(', ')}) VALUES (${placeholders})
  ON CONFLICT (incident_id) DO UPDATE SET ${updates}, updated_at = now() WHERE incidents.revision < EXCLUDED.revision`;

export async function writeIncidentUpdates(db: Database, updates: readonly IncidentUpdate[]): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query('BEGIN');
    for (const u of updates) {
      await client.query(UPSERT, incidentToParams(u.incident));
      const t = u.transition;
      await client.query(
        'INSERT INTO incident_transitions (transition_id, incident_id, kind, severity, at, detail) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
        [t.transition_id, u.incident.incident_id, t.kind, t.severity, t.at, JSON.stringify(t.detail)],
      );
      for (const m of u.new_members) {
        await client.query('INSERT INTO incident_events (incident_id, failure_id, occurred_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [u.incident.incident_id, m.failure_id, m.occurred_at]);
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
