// A receiver's own counters, by transport, signal and reason: the Collector's
// otelcol_receiver_{accepted,refused}_spans. Only a receiver knows why a request failed; it keeps
// these and the agent's self-telemetry reads them through `receiver.stats()` (component.ts).

export type Transport = 'http' | 'grpc';
export type Signal = 'spans' | 'logs';

/** Why a request got an error answer. */
export type FailureReason =
  | 'malformed' // undecodable body, corrupt gzip: 400 / INVALID_ARGUMENT
  | 'too_large' // over the size limit after decompression: 413 / RESOURCE_EXHAUSTED
  | 'unsupported_media_type' // wrong Content-Type or Content-Encoding: 415
  | 'not_found' // unknown path or method: 404 / 405
  | 'memory' // heap over memory_limit_mib, or the pipeline refused for memory: 503 / UNAVAILABLE
  | 'queue' // the pipeline's queue is full: 429 / UNAVAILABLE
  | 'backpressure' // an exporter cannot take more (spill buffer at its cap, disk full): 503 / UNAVAILABLE
  | 'shutting_down' // 503 / UNAVAILABLE
  | 'internal'; // the pipeline failed otherwise: 500 / INTERNAL

export const FAILURE_REASONS: readonly FailureReason[] = [
  'malformed',
  'too_large',
  'unsupported_media_type',
  'not_found',
  'memory',
  'queue',
  'backpressure',
  'shutting_down',
  'internal',
];

export interface SignalStats {
  /** Items handed to the pipeline. */
  accepted: number;
  /** Unusable items left out and reported in partial_success (the rest of the request went on). */
  rejected: number;
  /** Decoded items not delivered because the pipeline refused or failed the request, by reason. */
  refused: Record<FailureReason, number>;
}

export interface TransportStats {
  spans: SignalStats;
  logs: SignalStats;
  requests: {
    /** Requests answered 200 / OK (including partial success). */
    succeeded: number;
    /** Requests answered with an error, by reason; a malformed request has no item count. */
    failed: Record<FailureReason, number>;
  };
}

export type ReceiverStats = Record<Transport, TransportStats>;

export function createStats(): ReceiverStats {
  return { http: emptyTransport(), grpc: emptyTransport() };
}

export function copyStats(s: ReceiverStats): ReceiverStats {
  return structuredClone(s);
}

function emptyTransport(): TransportStats {
  return {
    spans: emptySignal(),
    logs: emptySignal(),
    requests: { succeeded: 0, failed: byReason() },
  };
}

function emptySignal(): SignalStats {
  return { accepted: 0, rejected: 0, refused: byReason() };
}

function byReason(): Record<FailureReason, number> {
  return Object.fromEntries(FAILURE_REASONS.map((r) => [r, 0])) as Record<FailureReason, number>;
}
