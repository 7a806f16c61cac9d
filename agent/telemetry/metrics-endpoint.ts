// The agent's Prometheus scrape endpoint: one OpenTelemetry MeterProvider whose meter every
// component gets as ctx.meter, read on each GET /metrics by @opentelemetry/exporter-prometheus
// (used as a pull reader and serializer; we run the HTTP server ourselves so port 0 works, bind
// errors are reported at start, and the content type names the text format version).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNoopMeter, type Meter } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Logger } from 'pino';
import type { MetricsTelemetryConfig } from '../../config/schema.ts';
import { formatAddress, listenError, parseEndpoint, type BoundAddress } from '../core/endpoint.ts';
import { renderSummaryFamilies, splitSummaryFamilies } from './summary-families.ts';

export const METRICS_PATH = '/metrics';
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface MetricsEndpoint {
  /** What components record through; a no-op meter when metrics are disabled. */
  readonly meter: Meter;
  /** Binds the endpoint; throws naming the endpoint when it cannot. A no-op when disabled. */
  start(): Promise<void>;
  /** The bound address (the real port when configured as 0); null before start or when disabled. */
  address(): BoundAddress | null;
  /** The scrape body, as GET /metrics answers it. */
  scrape(): Promise<string>;
  /** Stops serving and releases the meter provider. Safe twice and without start. */
  shutdown(): Promise<void>;
}

export function createMetricsEndpoint(config: MetricsTelemetryConfig, logger: Logger): MetricsEndpoint {
  if (!config.enabled) {
    return { meter: createNoopMeter(), start: async () => {}, address: () => null, scrape: async () => '', shutdown: async () => {} };
  }
  // Scope labels and target_info would add otel_scope_name to every series and a resource
  // series nobody queries; Prometheus's own target labels (job, instance) identify the agent.
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true, withoutTargetInfo: true });
  const serializer = new PrometheusSerializer('', false, undefined, true, true);
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('faultline');
  let server: Server | null = null;
  let bound: BoundAddress | null = null;
  let stopping: Promise<void> | null = null;

  const scrape = async (): Promise<string> => {
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) logger.warn({ err: errors[0], errors: errors.length }, 'Some metrics could not be collected for a scrape.');
    const { rest, families } = splitSummaryFamilies(resourceMetrics);
    // UNIT comments belong to OpenMetrics, not text 0.0.4; the unit is already in each name.
    const text = serializer.serialize(rest).replace(/^# UNIT .*\n/gm, '');
    return `${text === '# no registered metrics' ? '' : text}${renderSummaryFamilies(families)}`;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== METRICS_PATH || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`Not found: metrics are served at GET ${METRICS_PATH}.\n`);
      return;
    }
    scrape().then(
      (body) => res.writeHead(200, { 'content-type': CONTENT_TYPE }).end(req.method === 'HEAD' ? undefined : body),
      (err: unknown) => {
        logger.warn({ err }, 'A metrics scrape failed.');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('The metrics could not be collected; see the agent log.\n');
      },
    );
  };

  return {
    meter,
    async start() {
      if (server) return;
      const { host, port } = parseEndpoint(config.endpoint);
      const s = createServer(handle);
      await new Promise<void>((resolve, reject) => {
        s.once('error', (err: Error) =>
          reject(listenError('The metrics endpoint', config.endpoint, 'service.telemetry.metrics.endpoint', err)),
        );
        s.listen({ host, port }, () => resolve());
      });
      server = s;
      const a = s.address() as AddressInfo;
      bound = { host: a.address, port: a.port };
      logger.info({ endpoint: formatAddress(bound), path: METRICS_PATH }, 'Metrics endpoint listening.');
    },
    address: () => bound,
    scrape,
    shutdown() {
      stopping ??= (async () => {
        const s = server;
        server = null;
        if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
        await provider.shutdown().catch((err: unknown) => logger.warn({ err }, 'Stopping the meter provider failed.'));
      })();
      return stopping;
    },
  };
}
