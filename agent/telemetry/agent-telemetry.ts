// The agent's metrics as run.ts wires them: the scrape endpoint and its meter (handed to every
// component), the process metrics, and the pipeline and receiver counters once the pipelines
// exist. Started before the pipelines, so a taken port fails the start; shut down last, so the
// final counts stay scrapeable while the pipelines drain.
import type { Logger } from 'pino';
import type { Meter } from '@opentelemetry/api';
import type { MetricsTelemetryConfig } from '../../config/schema.ts';
import type { BoundAddress } from '../core/endpoint.ts';
import { createMetricsEndpoint } from './metrics-endpoint.ts';
import { registerPipelineMetrics, type PipelineMetricsSource } from './pipeline-metrics.ts';
import { registerProcessMetrics, type ProcessMetrics } from './process-metrics.ts';

export interface AgentTelemetry {
  readonly meter: Meter;
  start(): Promise<void>;
  /** Publishes the pipelines' and receivers' counters. */
  observe(pipelines: PipelineMetricsSource, receiverIds: readonly string[]): void;
  address(): BoundAddress | null;
  scrape(): Promise<string>;
  shutdown(): Promise<void>;
}

export function createAgentTelemetry(config: MetricsTelemetryConfig, logger: Logger): AgentTelemetry {
  const endpoint = createMetricsEndpoint(config, logger);
  let processMetrics: ProcessMetrics | null = null;
  return {
    meter: endpoint.meter,
    async start() {
      await endpoint.start();
      if (config.enabled) processMetrics ??= registerProcessMetrics(endpoint.meter);
    },
    observe(pipelines, receiverIds) {
      if (config.enabled) registerPipelineMetrics(endpoint.meter, pipelines, receiverIds);
    },
    address: () => endpoint.address(),
    scrape: () => endpoint.scrape(),
    async shutdown() {
      processMetrics?.stop();
      await endpoint.shutdown();
    },
  };
}
