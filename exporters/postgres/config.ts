import { z } from 'zod';
import { byteCount, count, milliseconds } from '../../config/units.ts';

const MIB = 1024 * 1024;

export const RetryConfig = z
  .strictObject({
    initial_interval_ms: milliseconds().default(500).describe('Wait before the first retry after PostgreSQL failed a write.'),
    max_interval_ms: milliseconds().default(30_000).describe('Longest wait between retries.'),
    multiplier: z.number().min(1).default(2).describe('Each wait is the previous one times this (exponential backoff).'),
    randomization_factor: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Jitter: each wait is randomized ±this fraction, so agents do not retry in step.'),
  })
  .describe('Backoff between attempts to reach PostgreSQL while the spill buffer drains.');

export const SpillConfig = z
  .strictObject({
    path: z.string().default('').describe('The spill buffer file; empty: ./data/spill/<exporter id>.sqlite.'),
    max_bytes: byteCount()
      .default(256 * MIB)
      .describe(
        'Cap on buffered records (text + 40 bytes each). Near it (10% or two batches short) receivers answer 503 + Retry-After until it drains 10% lower.',
      ),
    synchronous: z
      .enum(['FULL', 'NORMAL'])
      .default('FULL')
      .describe(
        'SQLite synchronous mode: FULL survives power loss (fsync per append); NORMAL survives a process crash only, and is faster.',
      ),
    drain_rate_per_sec: count('records per second')
      .default(5_000)
      .describe('Most records per second written from the buffer once PostgreSQL is back, so a backlog does not swamp it.'),
    drain_batch_items: count('records').default(500).describe('Records written per transaction while draining.'),
  })
  .describe('Where batches go while PostgreSQL is unreachable or slow, and how they drain.');

export const PostgresExporterConfig = z.strictObject({
  write_timeout_ms: milliseconds()
    .default(5_000)
    .describe(
      'Deadline for one write; a batch not committed by then goes to the spill buffer (the write may still land; duplicates are ignored).',
    ),
  max_rows_per_statement: count('rows').max(3_000).default(1_000).describe('Rows per INSERT statement; a batch is still one transaction.'),
  retry_after_sec: count('seconds').default(5).describe('Retry-After told to senders while the spill buffer is full.'),
  retry: RetryConfig.default(RetryConfig.parse({})),
  spill: SpillConfig.default(SpillConfig.parse({})),
});
export type PostgresExporterConfig = z.infer<typeof PostgresExporterConfig>;
