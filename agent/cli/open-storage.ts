// Opens the agent's database for `run` and `migrate`: the configured PostgreSQL, or the bundled
// one when no URL is given; waits for it, applies pending migrations, and records this agent in
// agent_instances (refreshed every minute) so operators can see which agents share the database.
// With `startWhileUnreachable` (the agent), a configured PostgreSQL that does not answer does not
// stop the start: the exporter buffers, and migrations and registration run once it answers.
import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { StorageConfig } from '../../config/schema.ts';
import { createDatabase, type Database } from '../store/database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../store/embedded-postgres.ts';
import { isDatabaseUnavailable } from '../store/database-unavailable.ts';
import { migrate } from '../store/migrate.ts';

export interface OpenedStorage {
  database: Database;
  /** Set when the bundled PostgreSQL was started for this process. */
  embedded: EmbeddedPostgres | null;
  /** This process's id in agent_instances, and its name in the fleet lease. */
  instanceId: string;
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  migrate: boolean;
  /** Registers this process in agent_instances (the `run` command). */
  instance?: { version: string; configText: string };
  /**
   * When a configured (not bundled) PostgreSQL does not answer within readyTimeoutMs, return
   * anyway and prepare it in the background, retrying every retryMs.
   */
  startWhileUnreachable?: { readyTimeoutMs: number; retryMs: number };
}

const HEARTBEAT_MS = 60_000;

export async function openStorage(config: StorageConfig, logger: Logger, options: OpenStorageOptions): Promise<OpenedStorage> {
  let embedded: EmbeddedPostgres | null = null;
  let url = config.url;
  if (!url) {
    const { data_dir: dataDir, port, relocate_dir: relocateDir } = config.embedded;
    embedded = await startEmbeddedPostgres({ logger, dataDir, port, relocateDir });
    url = embedded.url;
  }
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  // The instance id in application_name lets an operator tell the agents' connections apart (pg_stat_activity).
  const database = createDatabase({ url, logger, applicationName: `faultline ${instanceId}`.slice(0, 63) });
  let heartbeat: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  const close = async () => {
    closed = true;
    clearTimeout(retry);
    clearInterval(heartbeat);
    await database.close();
    await embedded?.stop();
  };
  const prepare = async () => {
    if (options.migrate) await migrate({ pool: database.pool, logger });
    if (options.instance) heartbeat = await registerInstance(database, logger, instanceId, options.instance);
  };
  const later = embedded === null ? options.startWhileUnreachable : undefined;
  try {
    await database.waitUntilReady({ timeoutMs: later?.readyTimeoutMs ?? 30_000 });
  } catch (err) {
    if (later === undefined || !isDatabaseUnavailable(err)) {
      await close().catch(() => {});
      throw err;
    }
    logger.warn(
      { database: database.redactedUrl, err },
      'PostgreSQL does not answer; starting without it. Events wait in the spill buffer; migrations run and the buffer drains once it answers.',
    );
    const attempt = () => {
      retry = setTimeout(() => {
        prepare().then(
          () => logger.info({ database: database.redactedUrl }, 'PostgreSQL answers now; schema ready.'),
          (e: unknown) => {
            if (closed) return;
            if (!isDatabaseUnavailable(e))
              logger.error({ err: e }, 'Preparing the database failed; retrying. Events stay in the spill buffer meanwhile.');
            attempt();
          },
        );
      }, later.retryMs);
      retry.unref();
    };
    attempt();
    return { database, embedded, instanceId, close };
  }
  try {
    await prepare();
  } catch (err) {
    await close().catch(() => {});
    throw err;
  }
  return { database, embedded, instanceId, close };
}

async function registerInstance(
  database: Database,
  logger: Logger,
  instanceId: string,
  info: { version: string; configText: string },
): Promise<NodeJS.Timeout> {
  const configHash = createHash('sha256').update(info.configText).digest('hex').slice(0, 16);
  await database.pool.query(
    `INSERT INTO agent_instances (instance_id, hostname, version, config_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = now()`,
    [instanceId, hostname(), info.version, configHash],
  );
  const timer = setInterval(() => {
    database.pool
      .query('UPDATE agent_instances SET last_seen_at = now() WHERE instance_id = $1', [instanceId])
      .catch((err: unknown) => logger.warn({ err }, 'Could not refresh this agent in agent_instances; will retry.'));
  }, HEARTBEAT_MS);
  timer.unref();
  return timer;
}
