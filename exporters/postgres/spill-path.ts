// Where a postgres exporter's spill buffer lives: spill.path, or a file named after the exporter id
// under ./data/spill (so two postgres exporters never share one).
import { join } from 'node:path';
import type { PostgresExporterConfig } from './config.ts';

export function spillPath(id: string, config: Pick<PostgresExporterConfig, 'spill'>): string {
  return config.spill.path || join('data', 'spill', `${id.replaceAll('/', '-')}.sqlite`);
}
