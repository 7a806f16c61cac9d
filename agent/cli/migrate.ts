import { parseArgs } from 'node:util';
import { createLogger } from '../core/logger.ts';
import { EXIT, type Command } from './command.ts';
import { openStorage } from './open-storage.ts';
import { storageSettings } from './storage-settings.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations and exit.',
  help: `Usage: faultline migrate [--database-url URL | --config FILE]

Applies the numbered SQL files in migrations/ that the database has not seen, each in its own
transaction, recorded in schema_migrations. Safe to run from several agents at once (an
advisory lock lets one migrate while the others wait). A landed migration whose file changed is
refused.

The database is, in order: --database-url, DATABASE_URL, the storage section of --config
(default agent.yaml), or the bundled PostgreSQL under ./data/postgres.

Options:
      --database-url URL   PostgreSQL to migrate
  -c, --config FILE        read storage settings from this configuration (default: agent.yaml)
  -h, --help               show this help

Exit codes: 0 migrated or up to date, 1 invalid configuration, 3 migration failed.`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { 'database-url': { type: 'string' }, config: { type: 'string', short: 'c' } },
    });
    const logger = createLogger(io.env.FAULTLINE_LOG_LEVEL ?? 'info');
    const settings = storageSettings(values, io.env);
    if ('error' in settings) {
      io.stderr.write(`${settings.error}\n`);
      return EXIT.invalid;
    }
    const { storage } = settings;
    try {
      const opened = await openStorage(storage, logger, { migrate: true });
      await opened.close();
      return EXIT.ok;
    } catch (err) {
      io.stderr.write(`faultline migrate: ${(err as Error).message}\n`);
      return EXIT.failed;
    }
  },
};
