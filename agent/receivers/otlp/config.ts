import { z } from 'zod';
import { checkHttpTimeouts, httpTimeoutFields } from '../../../config/http-timeouts.ts';
import { count, endpoint } from '../../../config/units.ts';

const MIB = 1024 * 1024;

const Endpoint = endpoint();

// `http:` with no value in YAML is null: like the Collector, that enables the protocol with defaults.
const enabledWhenNull = (v: unknown) => (v === null ? {} : v);

export const HttpProtocolConfig = z
  .strictObject({
    endpoint: Endpoint.default('127.0.0.1:4318').describe(
      'Address the OTLP/HTTP server listens on, "host:port"; port 0 picks a free port.',
    ),
    max_request_body_bytes: z
      .int()
      .positive()
      .default(64 * MIB)
      .describe('Largest request body accepted, counted after gzip decompression; larger requests get 413.'),
    max_concurrent_requests: count('requests')
      .default(128)
      .describe(
        'Requests handled at once (from their headers to their answer); more get 429 + Retry-After at once, so a CPU-bound ' +
          "agent answers overload quickly instead of queueing requests past their senders' timeouts.",
      ),
    listen_backlog: count('connections')
      .default(4096)
      .describe(
        'Connections the kernel queues while the agent is busy before it accepts them (capped by net.core.somaxconn). ' +
          'Past it new connections are reset; a deep queue lets an overloaded agent still answer them with 429/503.',
      ),
    ...httpTimeoutFields,
  })
  .superRefine(checkHttpTimeouts)
  .describe('OTLP/HTTP (POST /v1/traces and /v1/logs, protobuf or JSON, optional gzip). Omit to disable.');

export const GrpcProtocolConfig = z
  .strictObject({
    endpoint: Endpoint.default('127.0.0.1:4317').describe(
      'Address the OTLP/gRPC server listens on, "host:port"; port 0 picks a free port.',
    ),
    max_recv_msg_size_bytes: z
      .int()
      .positive()
      .default(64 * MIB)
      .describe('Largest request message accepted, counted after decompression; larger ones get RESOURCE_EXHAUSTED.'),
  })
  .describe('OTLP/gRPC (TraceService/Export and LogsService/Export, optional gzip). Omit to disable.');

export const OtlpReceiverConfig = z.strictObject({
  protocols: z
    .strictObject({
      http: z.preprocess(enabledWhenNull, HttpProtocolConfig).optional(),
      grpc: z.preprocess(enabledWhenNull, GrpcProtocolConfig).optional(),
    })
    .refine((p) => p.http !== undefined || p.grpc !== undefined, 'enable at least one protocol: http, grpc or both')
    .default({ http: HttpProtocolConfig.parse({}), grpc: GrpcProtocolConfig.parse({}) })
    .describe('Transports to serve; a protocol left out is disabled. Without this key both run on 127.0.0.1.'),
  memory_limit_mib: z
    .int()
    .nonnegative()
    .nullable()
    .default(null)
    .describe(
      'Memory high-water mark: while the live heap plus the OTLP/HTTP request bodies held is above it, or the resident set ' +
        'has grown by more than 80% of it since the receiver started, new requests get 503 + Retry-After (gRPC UNAVAILABLE: ' +
        'heap and resident set only). null: 1024, or 80% of the V8 heap limit (--max-old-space-size) when that is lower; a ' +
        'value above that share is lowered to it, with a warning. 0 turns the check off.',
    ),
});
export type OtlpReceiverConfig = z.infer<typeof OtlpReceiverConfig>;
export type HttpProtocolConfig = z.infer<typeof HttpProtocolConfig>;
export type GrpcProtocolConfig = z.infer<typeof GrpcProtocolConfig>;
