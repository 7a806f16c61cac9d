// Last-resort handlers for failures nothing else caught. Timers and emitted batches are guarded
// where they run (agent/core/pipeline), so reaching these is a bug; they say what failed. A stray
// promise rejection leaves the process sound, so the agent keeps running; an uncaught exception
// may have left any state half-changed (Node's own guidance), so the process exits with a clear
// message and a non-zero code, and the supervisor (Kubernetes, systemd) restarts it.
import type { Logger } from 'pino';

export interface ProcessFailureHandlers {
  onUnhandledRejection(reason: unknown): void;
  onUncaughtException(err: unknown): void;
}

export function processFailureHandlers(logger: Logger, exit: (code: number) => void, exitCode: number): ProcessFailureHandlers {
  return {
    onUnhandledRejection(reason) {
      logger.error(
        { err: reason, failure: 'unhandled_rejection' },
        'A promise was rejected and nothing handled it; this is a bug (please report it). The agent keeps running.',
      );
    },
    onUncaughtException(err) {
      logger.fatal(
        { err, failure: 'uncaught_exception' },
        'An exception escaped every handler; the process cannot continue safely and exits. This is a bug (please report it).',
      );
      exit(exitCode);
    },
  };
}
