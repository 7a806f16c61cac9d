// OTLP/gRPC with @grpc/grpc-js and hand-built service definitions (no .proto files). Messages are
// deserialized to the raw Buffer and decoded in the handler: grpc-js turns a throwing
// requestDeserialize into INTERNAL with a generic text, but a bad request must get
// INVALID_ARGUMENT naming the problem. grpc-js itself handles gzip and the size limit.
import * as grpc from '@grpc/grpc-js';
import type { DecodedLogs, DecodedTraces } from '../../core/model/otlp.ts';
import { decodeLogsProtobuf } from '../otlp-wire/decode-logs-protobuf.ts';
import { decodeTracesProtobuf } from '../otlp-wire/decode-traces-protobuf.ts';
import type { Admission } from './admission.ts';
import type { GrpcProtocolConfig } from './config.ts';
import { listenError, parseEndpoint, type BoundAddress } from '../../core/endpoint.ts';
import type { Ingest } from './ingest.ts';
import { encodeExportResponseProtobuf } from '../otlp-wire/encode-response.ts';
import { encodeStatusWithRetryInfo } from './retry-info.ts';

/** What a handler answers on success; serialized to Export{Trace,Logs}ServiceResponse. */
interface ExportResult {
  rejected: number;
  message: string;
}

export interface OtlpGrpcServer {
  listen(): Promise<BoundAddress>;
  /** Stops accepting; waits up to drainMs for in-flight calls, then cancels them. */
  close(drainMs: number): Promise<void>;
}

export interface GrpcServerDeps {
  ingest: Ingest;
  admission: Admission;
  isShuttingDown: () => boolean;
  /** The receiver's id, to name its endpoint setting in errors. */
  receiverId: string;
}

const TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS_EXPORT_PATH = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

export function createOtlpGrpcServer(config: GrpcProtocolConfig, deps: GrpcServerDeps): OtlpGrpcServer {
  const { ingest, admission, isShuttingDown } = deps;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.max_recv_msg_size_bytes,
  });

  function exportHandler<D extends DecodedTraces | DecodedLogs>(
    signal: 'traces' | 'logs',
    decode: (buf: Uint8Array) => D,
    accept: (decoded: D) => ReturnType<Ingest['traces']>,
  ): grpc.handleUnaryCall<Buffer, ExportResult> {
    return (call, callback) => {
      if (isShuttingDown()) {
        ingest.countFailure('grpc', 'shutting_down');
        return callback(unavailable('The agent is shutting down; retry later.', 1));
      }
      const overMemory = admission.check();
      if (overMemory) {
        ingest.countFailure('grpc', 'memory');
        return callback(unavailable(overMemory.message, overMemory.retryAfterSec));
      }
      let decoded: D;
      try {
        decoded = decode(call.request);
      } catch (err) {
        ingest.countFailure('grpc', 'malformed');
        return callback({
          code: grpc.status.INVALID_ARGUMENT,
          details: `The message is not a valid OTLP ${signal} request: ${(err as Error).message}`,
        });
      }
      accept(decoded).then(
        (outcome) => {
          if (outcome.kind === 'ok') return callback(null, { rejected: outcome.rejected, message: outcome.message });
          if (outcome.kind === 'refused') return callback(unavailable(outcome.error.message, outcome.error.retryAfterSec));
          callback({ code: grpc.status.INTERNAL, details: outcome.message });
        },
        (err: unknown) =>
          callback({ code: grpc.status.INTERNAL, details: `The agent failed to handle the request: ${(err as Error).message}` }),
      );
    };
  }

  server.addService(serviceDefinition(TRACE_EXPORT_PATH), {
    Export: exportHandler('traces', decodeTracesProtobuf, (d) => ingest.traces('grpc', d)),
  });
  server.addService(serviceDefinition(LOGS_EXPORT_PATH), {
    Export: exportHandler('logs', decodeLogsProtobuf, (d) => ingest.logs('grpc', d)),
  });

  let bound: BoundAddress | null = null;
  let closing: Promise<void> | null = null;
  return {
    async listen() {
      const { host, port } = parseEndpoint(config.endpoint);
      const boundPort = await new Promise<number>((resolve, reject) => {
        server.bindAsync(config.endpoint, grpc.ServerCredentials.createInsecure(), (err, p) =>
          err
            ? reject(listenError('The OTLP/gRPC receiver', config.endpoint, `receivers.${deps.receiverId}.protocols.grpc.endpoint`, err))
            : resolve(p),
        );
      });
      bound = { host: host ?? '0.0.0.0', port: boundPort };
      return bound;
    },
    close(drainMs) {
      closing ??= new Promise<void>((resolve) => {
        if (!bound) {
          server.forceShutdown();
          return resolve();
        }
        const deadline = setTimeout(() => server.forceShutdown(), drainMs);
        server.tryShutdown(() => {
          clearTimeout(deadline);
          resolve();
        });
      });
      return closing;
    },
  };
}

function serviceDefinition(path: string): grpc.ServiceDefinition {
  const identity = (b: Buffer) => b;
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: (r: ExportResult) => asBuffer(encodeExportResponseProtobuf({ rejected: r.rejected, errorMessage: r.message })),
      responseDeserialize: identity,
    },
  };
}

/** UNAVAILABLE is the retryable code; RetryInfo in the status details says when to retry. */
function unavailable(details: string, retryAfterSec: number): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  metadata.set('grpc-status-details-bin', encodeStatusWithRetryInfo(grpc.status.UNAVAILABLE, details, retryAfterSec));
  return { code: grpc.status.UNAVAILABLE, details, metadata };
}

/** grpc-js wants a Buffer; this one shares the encoder's memory. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
