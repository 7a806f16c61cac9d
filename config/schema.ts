// The top-level shape of agent.yaml. Component sections are validated by each component's own
// schema (config/resolve.ts); here they are only mappings from id to settings.
import { z } from 'zod';
import { checkHttpTimeouts, httpTimeoutFields } from './http-timeouts.ts';
import { count, endpoint, milliseconds } from './units.ts';

const componentSection = z
  .record(z.string(), z.unknown().nullable())
  .default({})
  .describe('Component ids (`type` or `type/name`) to their settings.');

const idList = z.array(z.string({ error: 'expected a component id' }));

export const PipelineConfig = z.strictObject({
  receivers: idList.min(1, { error: 'a pipeline needs at least one receiver' }).describe('Receiver ids feeding this pipeline.'),
  processors: idList.default([]).describe('Processor ids, in the order they run.'),
  exporters: idList.min(1, { error: 'a pipeline needs at least one exporter' }).describe('Exporter ids every batch fans out to.'),
});
export type PipelineConfig = z.infer<typeof PipelineConfig>;

/** The Prometheus scrape endpoint: GenAI metrics (the prometheus exporter) and the agent's own. */
export const MetricsTelemetryConfig = z.strictObject({
  enabled: z.boolean().default(true).describe('Serve Prometheus metrics (GET /metrics); false gives every component a no-op meter.'),
  endpoint: endpoint()
    .default('127.0.0.1:9464')
    .describe('Address the /metrics endpoint listens on, "host:port"; port 0 picks a free port.'),
});
export type MetricsTelemetryConfig = z.infer<typeof MetricsTelemetryConfig>;
const METRICS_DEFAULT: MetricsTelemetryConfig = { enabled: true, endpoint: '127.0.0.1:9464' };

export const ServiceConfig = z.strictObject({
  pipelines: z
    .record(z.string(), PipelineConfig)
    .refine((p) => Object.keys(p).length > 0, { error: 'at least one pipeline is required' })
    .describe('Named pipelines: receivers → processors → exporters.'),
  telemetry: z
    .strictObject({
      logs: z
        .strictObject({
          level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info').describe('Agent log level.'),
          encoding: z
            .enum(['console', 'json'])
            .optional()
            .describe(
              'How log lines are written to standard error: console (one readable line each) or json (one JSON object each). ' +
                'Default: console when standard error is a terminal, json otherwise.',
            ),
        })
        .default({ level: 'info' }),
      metrics: MetricsTelemetryConfig.default(METRICS_DEFAULT),
    })
    .default({ logs: { level: 'info' }, metrics: METRICS_DEFAULT }),
  shutdown_timeout_ms: milliseconds().default(15_000).describe('How long shutdown may take to flush before giving up.'),
  max_inflight_items: count('items')
    .default(200_000)
    .describe('Items accepted but not yet through the pipeline; above it receivers refuse with 429 and Retry-After.'),
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

export const LeaseConfig = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_.-]{0,62}$/, 'expected a lower-case name, e.g. "fleet"')
      .default('fleet')
      .describe('The lease row; agents with the same name form one fleet.'),
    ttl_ms: milliseconds()
      .default(15_000)
      .describe('How long a taken or renewed lease lasts; a dead leader is replaced after at most this.'),
    renew_interval_ms: milliseconds()
      .default(5_000)
      .describe('How often the leader renews; below half of ttl_ms so one lost renewal does not end it.'),
    acquire_interval_ms: milliseconds()
      .default(1_000)
      .describe('How often the other agents try to take the lease (one UPDATE that changes nothing while it is held).'),
  })
  .superRefine((c, ctx) => {
    if (c.renew_interval_ms * 2 > c.ttl_ms)
      ctx.addIssue({
        code: 'custom',
        path: ['renew_interval_ms'],
        message: `expected at most half of ttl_ms (${c.ttl_ms}), got ${c.renew_interval_ms}: one late renewal would end the lease`,
      });
  });
export type LeaseConfig = z.infer<typeof LeaseConfig>;
const LEASE_DEFAULT: LeaseConfig = { name: 'fleet', ttl_ms: 15_000, renew_interval_ms: 5_000, acquire_interval_ms: 1_000 };

export const StorageConfig = z.strictObject({
  url: z.string().default('').describe('PostgreSQL URL. Empty: start the bundled PostgreSQL (embedded).'),
  embedded: z
    .strictObject({
      data_dir: z.string().default('./data/postgres').describe('Where the bundled PostgreSQL keeps its files.'),
      port: z.number().int().min(0).max(65535).default(0).describe('Port for the bundled PostgreSQL; 0 picks a free one.'),
      relocate_dir: z
        .string()
        .default('/var/lib/faultline/postgres')
        .describe(
          'Run as root, the bundled PostgreSQL runs as the postgres account; when that account cannot reach the binaries or a new data_dir ' +
            '(a clone under a mode-700 directory), they are placed here and data_dir becomes a link to the cluster.',
        ),
    })
    .default({ data_dir: './data/postgres', port: 0, relocate_dir: '/var/lib/faultline/postgres' }),
  migrate_on_start: z.boolean().default(true).describe('Apply pending migrations when the agent starts.'),
  lease: LeaseConfig.default(LEASE_DEFAULT).describe(
    'The lease that elects the one agent doing fleet-wide work (incident grouping, notifications, retention) among agents sharing this database.',
  ),
  retention_days: count('days')
    .default(30)
    .describe('Days of failure events and incident history kept; the leader drops whole day partitions older than this.'),
  retention_check_interval_ms: milliseconds()
    .default(3_600_000)
    .describe("How often the leader drops expired partitions and creates the next days' ones."),
});
export type StorageConfig = z.infer<typeof StorageConfig>;

export const ApiConfig = z
  .strictObject({
    enabled: z
      .boolean()
      .optional()
      .describe('Serve the REST API. Default: on when a `storage:` section is configured (the API reads the database), off otherwise.'),
    endpoint: endpoint()
      .default('127.0.0.1:8080')
      .describe('Address the API listens on, "host:port"; port 0 picks a free port. Loopback by default.'),
    auth: z
      .strictObject({
        // Messages carry ", got …" themselves so the token is never echoed into an error.
        bearer_token: z
          .string({
            error: 'expected text, got a number or other non-text value (a token read as a number loses digits); use a token with letters',
          })
          .default('')
          .refine(
            (t) => t === '' || t.length >= 16,
            'expected at least 16 characters (a short token is guessable) or "" for no auth, got a shorter one',
          )
          .refine(
            (t) => /^[\x21-\x7e]*$/.test(t),
            'expected printable ASCII without spaces (an Authorization header carries it), got other characters',
          )
          .describe(
            'Token clients send as "Authorization: Bearer <token>" on /api/v1/*; empty turns auth off. Use ${env:NAME} to keep it out of the file.',
          ),
      })
      .default({ bearer_token: '' })
      .describe('Authentication of /api/v1/* (/healthz and /readyz stay open for probes).'),
    default_page_size: count('items').max(10_000).default(100).describe('Items per page when a request gives no `limit`.'),
    max_page_size: count('items').max(10_000).default(1000).describe('Largest `limit` a request may ask for; more gets 400.'),
    ...httpTimeoutFields,
  })
  .superRefine((c, ctx) => {
    checkHttpTimeouts(c, ctx);
    if (c.default_page_size > c.max_page_size) {
      ctx.addIssue({
        code: 'custom',
        path: ['default_page_size'],
        message: `expected at most max_page_size (${c.max_page_size}), got ${c.default_page_size}`,
      });
    }
  });
export type ApiConfig = z.infer<typeof ApiConfig>;

export const AgentConfigShape = z.strictObject({
  receivers: componentSection,
  processors: componentSection,
  exporters: componentSection,
  storage: StorageConfig.optional().describe('The database; omit to run without one.'),
  api: ApiConfig.optional().describe('The REST API (/api/v1/..., /healthz, /readyz); omit for the defaults.'),
  service: ServiceConfig,
});
export type AgentConfigShape = z.infer<typeof AgentConfigShape>;
