// Writes the `incidents` lane to the incident tables through the postgres exporter's own write
// path (writeItems: upsert keeping the highest revision, transitions and members once), for tests
// that drive the incidents processor directly rather than through a whole pipeline.
import type { Database } from '../../agent/store/database.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import { PostgresExporterConfig } from '../../exporters/postgres/config.ts';
import { writeItems } from '../../exporters/postgres/write-items.ts';

// The exporter's defaults, so these writes batch and time out as a default-configured agent's do.
const defaults = PostgresExporterConfig.parse({});
const WRITE_OPTIONS = {
  agentInstance: null,
  maxRowsPerStatement: defaults.max_rows_per_statement,
  statementTimeoutMs: defaults.write_timeout_ms,
};

export async function writeIncidentUpdates(db: Database, updates: readonly IncidentUpdate[]): Promise<void> {
  await writeItems(
    db.pool,
    updates.map((value) => ({ lane: 'incidents', value })),
    WRITE_OPTIONS,
  );
}
