// The delivery settings every alert exporter shares: timeout, retry backoff, and its outbox file.
import { z } from 'zod';
import { byteCount, milliseconds } from '../../../config/units.ts';

export const DELIVERY_DEFAULTS = {
  timeout_ms: 10_000,
  initial_backoff_ms: 1_000,
  max_backoff_ms: 300_000,
  max_retry_after_ms: 900_000,
  buffer_dir: './data/notify',
  buffer_max_bytes: 64 * 1024 * 1024,
  shutdown_grace_ms: 2_000,
};

export const DeliveryConfig = z
  .strictObject({
    timeout_ms: milliseconds()
      .default(DELIVERY_DEFAULTS.timeout_ms)
      .describe('How long one request may take before it counts as failed and is retried.'),
    initial_backoff_ms: milliseconds()
      .default(DELIVERY_DEFAULTS.initial_backoff_ms)
      .describe('First retry delay after a 429, a 5xx or a network error; doubles per attempt, with jitter.'),
    max_backoff_ms: milliseconds().default(DELIVERY_DEFAULTS.max_backoff_ms).describe('Longest retry delay.'),
    max_retry_after_ms: milliseconds()
      .default(DELIVERY_DEFAULTS.max_retry_after_ms)
      .describe("Longest wait a receiver's Retry-After can impose."),
    buffer_dir: z
      .string()
      .min(1)
      .default(DELIVERY_DEFAULTS.buffer_dir)
      .describe('Directory of the outbox files (SQLite) that keep unsent notifications across outages and restarts.'),
    shutdown_grace_ms: milliseconds()
      .default(DELIVERY_DEFAULTS.shutdown_grace_ms)
      .describe('At shutdown, how long queued notifications may still be sent; the rest stay in the outbox for the next start.'),
    buffer_max_bytes: byteCount()
      .default(DELIVERY_DEFAULTS.buffer_max_bytes)
      .describe('Cap on one outbox file; past it new notifications are dropped and counted as failed.'),
  })
  .default(DELIVERY_DEFAULTS)
  .describe('Retries and the durable outbox.');
export type DeliveryConfig = z.infer<typeof DeliveryConfig>;
