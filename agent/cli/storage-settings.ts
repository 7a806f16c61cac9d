// Which database a command that reads or prepares the store talks to: --database-url, DATABASE_URL,
// the storage section of --config (default agent.yaml when it exists), or the bundled PostgreSQL.
import { existsSync } from 'node:fs';
import { ConfigError } from '../../config/errors.ts';
import { loadConfigFile } from '../../config/load.ts';
import { StorageConfig } from '../../config/schema.ts';
import { registry } from '../registry.ts';

/** The storage settings, or a ConfigError's message when the configuration file is invalid. */
export function storageSettings(
  values: { 'database-url'?: string; config?: string },
  env: NodeJS.ProcessEnv,
): { storage: StorageConfig } | { error: string } {
  const storage = StorageConfig.parse({});
  const url = values['database-url'] ?? env.DATABASE_URL;
  if (url) return { storage: { ...storage, url } };
  if (!values.config && !existsSync('agent.yaml')) return { storage };
  try {
    return { storage: loadConfigFile(values.config ?? 'agent.yaml', registry, { env }).storage ?? storage };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { error: err.message };
  }
}
