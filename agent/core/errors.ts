// The few error classes callers act on (retry, give up, report a config path). Each has a stable code.

/** An exporter failure, classified by what the caller should do with it. */
export class ExportError extends Error {
  readonly code = 'FL_EXPORT_FAILED';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportError';
  }
}

/** The pipeline is over a high-water mark: the sender should retry later (HTTP 429/503, gRPC UNAVAILABLE). */
export class RefusedError extends Error {
  readonly code = 'FL_REFUSED';
  constructor(
    message: string,
    readonly reason: 'memory' | 'queue' | 'backpressure' | 'shutting_down',
    readonly retryAfterSec = 1,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}

export class ShutdownTimeoutError extends Error {
  readonly code = 'FL_SHUTDOWN_TIMEOUT';
  constructor(
    readonly pending: string[],
    deadlineMs: number,
  ) {
    super(`Shutdown did not finish within ${deadlineMs} ms; still running: ${pending.join(', ')}.`);
    this.name = 'ShutdownTimeoutError';
  }
}
