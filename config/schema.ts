// The top-level shape of agent.yaml. Component sections are validated by each component's own
// schema (config/resolve.ts); here they are only mappings from id to settings.
import { z } from 'zod';
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
  endpoint: endpoint().default('127.0.0.1:9464').describe('Address the /metrics endpoint listens on, "host:port"; port 0 picks a free port.'),
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

export const StorageConfig = z.strictObject({
  url: z
    .string()
    .default('')
    .describe('PostgreSQL URL. Empty: start the bundled PostgreSQL (embedded).'),
  embedded: z
    .strictObject({
      data_dir: z.string().default('./data/postgres').describe('Where the bundled PostgreSQL keeps its files.'),
      port: z.number().int().min(0).max(65535).default(0).describe('Port for the bundled PostgreSQL; 0 picks a free one.'),
    })
    .default({ data_dir: './data/postgres', port: 0 }),
  migrate_on_start: z.boolean().default(true).describe('Apply pending migrations when the agent starts.'),
});
export type StorageConfig = z.infer<typeof StorageConfig>;

export const AgentConfigShape = z.strictObject({
  receivers: componentSection,
  processors: componentSection,
  exporters: componentSection,
  storage: StorageConfig.optional().describe('The database; omit to run without one.'),
  service: ServiceConfig,
});
export type AgentConfigShape = z.infer<typeof AgentConfigShape>;
