import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createApiServer, type ApiServer } from '../api/server.ts';
import { createLiveTime } from '../core/clock.ts';
import { ConfigError } from '../../config/errors.ts';
import type { BoundAddress } from '../core/endpoint.ts';
import { createLogger } from '../core/logger.ts';
import { buildPipelines, type AgentPipelines } from '../core/pipeline/build.ts';
import { createAgentTelemetry } from '../telemetry/agent-telemetry.ts';
import { registry } from '../registry.ts';
import { version } from '../version.ts';
import { loadConfigFile } from '../../config/load.ts';
import { EXIT, type Command } from './command.ts';
import { openStorage } from './open-storage.ts';
import { createLease, type Lease } from '../store/lease.ts';
import { startRetention, type Retention } from '../store/retention.ts';
import { readyFields } from './ready-fields.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run the agent: receive OTLP, run the pipelines, export.',
  help: `Usage: faultline run [--config FILE]

Loads and validates the configuration (every problem is printed before anything starts), opens
the database (the bundled PostgreSQL under ./data/ when storage.url is empty), applies pending
migrations, serves Prometheus metrics on service.telemetry.metrics.endpoint (GET /metrics),
starts exporters, processors and receivers, and runs until SIGTERM or SIGINT. On a
signal it stops the receivers, flushes the processors and exporters within
service.shutdown_timeout_ms, and exits. A second signal exits at once.

With a database, the REST API also starts once the pipelines run (api.endpoint, default
127.0.0.1:8080): GET /api/v1/failures, /api/v1/failures/{id}, /api/v1/openapi.json, /healthz and
/readyz; api.auth.bearer_token protects /api/v1/*. It stops first on shutdown.

Options:
  -c, --config FILE   configuration file (default: agent.yaml)
  -h, --help          show this help

Exit codes: 0 clean stop, 1 invalid configuration, 3 failed to start or to stop cleanly.`,
  async run(args, io) {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c', default: 'agent.yaml' } } });
    let config;
    try {
      config = loadConfigFile(values.config!, registry, { env: io.env });
    } catch (err) {
      if (err instanceof ConfigError) {
        io.stderr.write(`${err.message}\n`);
        return EXIT.invalid;
      }
      throw err;
    }
    const logger = createLogger(config.service.telemetry.logs.level, { encoding: config.service.telemetry.logs.encoding });
    for (const warning of config.warnings) logger.warn({ config: values.config }, `Configuration: ${warning}.`);

    // Components' timers report their own failures (with their names); this catches the rest.
    const time = createLiveTime({
      onError: (err) => logger.error({ err, stage: 'timer' }, 'A timer failed; it runs again at its next interval.'),
    });
    const telemetry = createAgentTelemetry(config.service.telemetry.metrics, logger.child({ component: 'telemetry' }));
    let storage: Awaited<ReturnType<typeof openStorage>> | null = null;
    let pipelines;
    let api: ApiServer | null = null;
    let apiAddress: BoundAddress | null = null;
    let running: AgentPipelines | null = null; // set once the pipelines have started
    let lease: Lease | null = null;
    let retention: Retention | null = null;
    try {
      if (config.storage) {
        storage = await openStorage(config.storage, logger.child({ component: 'storage' }), {
          migrate: config.storage.migrate_on_start,
          instance: { version: version(), configText: readFileSync(values.config!, 'utf8') },
          // A DaemonSet pod must take spans while its database is down (they wait in the spill buffer).
          startWhileUnreachable: { readyTimeoutMs: 10_000, retryMs: 5_000 },
        });
      }
      if (storage) {
        const c = config.storage!.lease;
        lease = createLease({
          database: storage.database,
          name: c.name,
          holder: storage.instanceId,
          ttlMs: c.ttl_ms,
          renewIntervalMs: c.renew_interval_ms,
          acquireIntervalMs: c.acquire_interval_ms,
          logger: logger.child({ component: 'lease' }),
        });
        retention = startRetention({
          database: storage.database,
          leadership: lease,
          retentionDays: config.storage!.retention_days,
          intervalMs: config.storage!.retention_check_interval_ms,
          clock: time.clock,
          logger: logger.child({ component: 'retention' }),
        });
      }
      await telemetry.start();
      pipelines = await buildPipelines(config, {
        leadership: lease ?? undefined,
        logger,
        clock: time.clock,
        scheduler: time.scheduler,
        database: storage?.database ?? null,
        meter: telemetry.meter,
      });
      telemetry.observe(pipelines, [...new Set(Object.values(config.pipelines).flatMap((p) => p.receivers))]);
      await pipelines.start();
      running = pipelines;
      lease?.start();
      retention?.start();
      if (config.api.enabled && storage) {
        api = createApiServer(config.api, {
          database: storage.database,
          health: pipelines.health,
          logger: logger.child({ component: 'api' }),
          pageSizes: { default: config.api.default_page_size, max: config.api.max_page_size },
        });
        apiAddress = await api.listen();
      }
    } catch (err) {
      logger.error({ err }, 'The agent could not start.');
      await api?.close().catch((e: unknown) => logger.error({ err: e }, 'Closing the API failed.'));
      await running?.shutdown().catch((e: unknown) => logger.error({ err: e }, 'Stopping the pipelines failed.'));
      await retention?.stop();
      await lease?.stop();
      time.stop();
      await telemetry.shutdown();
      await storage?.close().catch((e: unknown) => logger.error({ err: e }, 'Closing the database failed.'));
      return EXIT.failed;
    }
    const ready = readyFields({
      config,
      receiver: (id) => pipelines.receiver(id),
      api: apiAddress,
      metrics: telemetry.address(),
      storage: storage && {
        bundled: storage.embedded !== null,
        redactedUrl: storage.database.redactedUrl,
        dataDir: storage.embedded?.dataDir,
      },
    });
    logger.info({ ...ready, config: values.config }, 'Agent started.');

    const signal = await io.waitForStop();
    logger.info({ signal }, 'Shutting down.');
    let code: number = EXIT.ok;
    // The API goes first: it reads what the pipeline writes, and /readyz should fail before intake stops.
    await api?.close().catch((err: unknown) => logger.error({ err }, 'Closing the API failed.'));
    try {
      await pipelines.shutdown();
    } catch (err) {
      logger.error({ err }, 'Shutdown did not complete cleanly; data held by the components named above may be lost.');
      code = EXIT.failed;
    }
    // Handing the lease back lets another agent lead at once instead of after the TTL.
    await retention?.stop();
    await lease?.stop();
    time.stop();
    await storage?.close().catch((err: unknown) => logger.error({ err }, 'Closing the database failed.'));
    await telemetry.shutdown();
    logger.info({ components: pipelines.stats() }, 'Agent stopped.');
    return code;
  },
};
