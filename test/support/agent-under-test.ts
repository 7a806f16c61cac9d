// The agent wired as `faultline run` wires it (telemetry first, its meter into the pipelines,
// pipeline and receiver counters observed), in process, with every listener on a free port.
import pino, { type Logger } from 'pino';
import { createLiveTime, type Clock, type Scheduler } from '../../agent/core/clock.ts';
import { buildPipelines, type AgentPipelines } from '../../agent/core/pipeline/build.ts';
import { registry } from '../../agent/registry.ts';
import type { OtlpReceiver } from '../../agent/receivers/otlp/index.ts';
import type { Database } from '../../agent/store/database.ts';
import { createAgentTelemetry, type AgentTelemetry } from '../../agent/telemetry/agent-telemetry.ts';
import { parseConfig } from '../../config/load.ts';

export interface AgentUnderTest {
  pipelines: AgentPipelines;
  telemetry: AgentTelemetry;
  /** http://host:port of the otlp receiver's HTTP listener. */
  otlpHttp: string;
  /** http://host:port/metrics */
  metricsUrl: string;
  stop(): Promise<void>;
}

export interface AgentUnderTestOptions {
  /** What the postgres exporter writes to (the caller creates and closes it). */
  database?: Database;
  /** Event time for the pipelines; default live time. A test that drives a manual clock passes it here. */
  time?: { clock: Clock; scheduler: Scheduler; stop(): void };
  /** Default: silent. */
  logger?: Logger;
}

/** `yaml` must define an `otlp` receiver with an HTTP endpoint on port 0 and may omit service.telemetry. */
export async function startAgentUnderTest(yaml: string, options: AgentUnderTestOptions = {}): Promise<AgentUnderTest> {
  const config = parseConfig(yaml, registry);
  const logger = options.logger ?? pino({ level: 'silent' });
  const time = options.time ?? createLiveTime();
  const telemetry = createAgentTelemetry({ enabled: true, endpoint: '127.0.0.1:0' }, logger);
  await telemetry.start();
  const pipelines = await buildPipelines(config, {
    logger,
    clock: time.clock,
    scheduler: time.scheduler,
    meter: telemetry.meter,
    database: options.database,
  });
  telemetry.observe(pipelines, [...new Set(Object.values(config.pipelines).flatMap((p) => p.receivers))]);
  await pipelines.start();
  const http = (pipelines.receiver('otlp') as OtlpReceiver).addresses().http!;
  return {
    pipelines,
    telemetry,
    otlpHttp: `http://${http.host}:${http.port}`,
    metricsUrl: `http://127.0.0.1:${telemetry.address()!.port}/metrics`,
    async stop() {
      await pipelines.shutdown();
      time.stop();
      await telemetry.shutdown();
    },
  };
}
