// Writes the `incidents` lane to the incident tables through the postgres exporter's own write
// path (writeItems: upsert keeping the highest revision, transitions and members once), for tests
// that drive the incidents processor directly rather than through a whole pipeline.
import type { Database } from '../../agent/store/database.ts';
import type { IncidentUpdate } from '../../agent/model/incident.ts';
import { writeItems } from '../../exporters/postgres/write-items.ts';

export async function writeIncidentUpdates(db: Database, updates: readonly IncidentUpdate[]): Promise<void> {
  await writeItems(
    db.pool,
    updates.map((value) => ({ kind: 'incident' as const, value })),
    { agentInstance: null, maxRowsPerStatement: 1_000, statementTimeoutMs: 10_000 },
  );
}
