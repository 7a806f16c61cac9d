// A warning (or error) that is logged at once the first time, then at most once a minute with the
// number of occurrences in between, so a failure that hits every request never floods the log.
import type { Logger } from 'pino';

const INTERVAL_MS = 60_000;

export type SampledLog = (fields: Record<string, unknown>, message: string) => void;

export function createSampledWarning(logger: Logger, intervalMs = INTERVAL_MS, level: 'warn' | 'error' = 'warn'): SampledLog {
  let lastAt = -Infinity;
  let suppressed = 0;
  return (fields, message) => {
    const now = performance.now();
    if (now - lastAt < intervalMs) {
      suppressed++;
      return;
    }
    lastAt = now;
    logger[level]({ ...fields, suppressed }, message);
    suppressed = 0;
  };
}
