// otlp: receives OTLP traces and logs over HTTP (protobuf or JSON) and gRPC, optionally gzipped,
// from LLM gateways and apps. Each request's usable spans (or log records) go on as one batch in
// the `spans` (or `logs`) lane; senders get the protocol's answers, including partial_success.
import { getHeapStatistics } from 'node:v8';
import { defineReceiver, type Receiver, type ReceiverContext } from '../../core/component.ts';
import { createAdmission, HEAP_LIMIT_SHARE, memoryLimit } from './admission.ts';
import { OtlpReceiverConfig } from './config.ts';
import { formatAddress, type BoundAddress } from '../../core/endpoint.ts';
import { createOtlpGrpcServer, type OtlpGrpcServer } from './grpc-server.ts';
import { createOtlpHttpServer, type OtlpHttpServer } from './http-server.ts';
import { createIngest } from './ingest.ts';
import { copyStats, createStats, type ReceiverStats } from '../../core/receiver-stats.ts';

export type { BoundAddress } from '../../core/endpoint.ts';

/** How long shutdown waits for in-flight requests before cutting their connections. */
const DRAIN_MS = 5_000;

export interface OtlpReceiver extends Receiver {
  /** The addresses bound by start(), per enabled protocol (the real port when configured as 0). */
  addresses(): { http?: BoundAddress; grpc?: BoundAddress };
  /** A snapshot of the counters, by transport: accepted/rejected/refused items, failed requests by reason. */
  stats(): ReceiverStats;
}

export default defineReceiver({
  type: 'otlp',
  description: 'Receives OTLP traces and logs over HTTP (protobuf or JSON) and gRPC, with gzip, size limits and backpressure.',
  configSchema: OtlpReceiverConfig,
  create: createOtlpReceiver,
});

export function createOtlpReceiver(config: OtlpReceiverConfig, ctx: ReceiverContext): OtlpReceiver {
  const stats = createStats();
  const ingest = createIngest(ctx.next, stats, ctx.logger);
  const heapLimit = getHeapStatistics().heap_size_limit;
  const limit = memoryLimit(config.memory_limit_mib, heapLimit);
  if (limit.loweredFrom !== null) {
    ctx.logger.warn(
      { memory_limit_mib: limit.loweredFrom, heap_limit_mib: Math.round(heapLimit / 2 ** 20), using_mib: limit.mib },
      `receivers.otlp.memory_limit_mib (${limit.loweredFrom}) is above ${HEAP_LIMIT_SHARE * 100}% of the V8 heap limit; refusing from ${limit.mib} MiB instead, so the agent answers 503 before it runs out of heap. Raise --max-old-space-size or lower memory_limit_mib.`,
    );
  }
  const admission = createAdmission(limit.mib);
  let shuttingDown = false;
  /** The resident set when the receiver started listening: what memory_limit_mib bounds growth over. */
  let rssAtStart = 0;
  const deps = { ingest, admission, isShuttingDown: () => shuttingDown, logger: ctx.logger, receiverId: ctx.id };
  const { http, grpc } = config.protocols;
  const httpServer: OtlpHttpServer | null = http ? createOtlpHttpServer(http, deps) : null;
  const grpcServer: OtlpGrpcServer | null = grpc ? createOtlpGrpcServer(grpc, deps) : null;
  const bound: { http?: BoundAddress; grpc?: BoundAddress } = {};
  let stopping: Promise<void> | null = null;

  const closeAll = () =>
    Promise.all([httpServer?.close(DRAIN_MS), grpcServer?.close(DRAIN_MS)]).then(() => {
      admission.close();
    });

  return {
    async start() {
      try {
        rssAtStart = admission.begin();
        if (httpServer) bound.http = await httpServer.listen();
        if (grpcServer) bound.grpc = await grpcServer.listen();
      } catch (err) {
        // Do not leave the other protocol's port open behind a failed start.
        await closeAll();
        throw err;
      }
      ctx.logger.info(
        {
          http: bound.http && formatAddress(bound.http),
          grpc: bound.grpc && formatAddress(bound.grpc),
          memory_limit_mib: limit.mib,
          rss_at_start_mib: Math.round(rssAtStart / 2 ** 20),
        },
        'OTLP receiver listening.',
      );
    },
    shutdown() {
      shuttingDown = true;
      stopping ??= closeAll();
      return stopping;
    },
    addresses: () => ({ ...bound }),
    stats: () => copyStats(stats),
  };
}
