// What both transports do with a decoded request: leave out unusable spans, hand the rest to the
// pipeline as one batch, count, and turn the pipeline's answer into an outcome the transport
// encodes (200/OK with optional partial_success, a retryable refusal, or an internal failure).
import type { Logger } from 'pino';
import type { Consumer } from '../../core/component.ts';
import { RefusedError } from '../../core/errors.ts';
import { createBatch } from '../../core/model/batch.ts';
import type { DecodedLogs, DecodedTraces, OtlpSpan } from '../../core/model/otlp.ts';
import { spanRejectionReason } from '../otlp-wire/span-validity.ts';
import { createSampledWarning } from '../../core/sampled-warning.ts';
import type { FailureReason, ReceiverStats, Signal, Transport } from '../../core/receiver-stats.ts';

export type IngestOutcome =
  /** `rejected` items were left out; `message` says why (partial_success), '' when none. */
  { kind: 'ok'; rejected: number; message: string } | { kind: 'refused'; error: RefusedError } | { kind: 'failed'; message: string };

export interface Ingest {
  traces(transport: Transport, decoded: DecodedTraces): Promise<IngestOutcome>;
  logs(transport: Transport, decoded: DecodedLogs): Promise<IngestOutcome>;
  /** Counts a request that failed before it could be decoded or delivered. */
  countFailure(transport: Transport, reason: FailureReason): void;
}

/** How many distinct rejection reasons a partial_success message lists. */
const MAX_LISTED_REASONS = 5;

export function createIngest(next: Consumer, stats: ReceiverStats, logger: Logger): Ingest {
  const warn = createSampledWarning(logger);

  async function deliver(transport: Transport, signal: Signal, items: number, send: () => Promise<void>): Promise<IngestOutcome | null> {
    try {
      if (items > 0) await send();
      stats[transport][signal].accepted += items;
      stats[transport].requests.succeeded++;
      return null;
    } catch (err) {
      const reason: FailureReason = err instanceof RefusedError ? err.reason : 'internal';
      stats[transport][signal].refused[reason] += items;
      stats[transport].requests.failed[reason]++;
      if (err instanceof RefusedError) return { kind: 'refused', error: err };
      // The error only, never the request body: bodies can hold prompts and are large.
      warn({ err, transport, signal }, 'The pipeline failed to accept OTLP data; the sender got an internal error.');
      return { kind: 'failed', message: 'The agent could not accept the data because of an internal error; see its log.' };
    }
  }

  return {
    async traces(transport, { spans }) {
      const { usable, rejected, message } = leaveOutUnusable(spans);
      stats[transport].spans.rejected += rejected;
      const failure = await deliver(transport, 'spans', usable.length, () => next(createBatch({ spans: usable })));
      return failure ?? { kind: 'ok', rejected, message };
    },
    async logs(transport, { logs }) {
      const failure = await deliver(transport, 'logs', logs.length, () => next(createBatch({ logs })));
      return failure ?? { kind: 'ok', rejected: 0, message: '' };
    },
    countFailure(transport, reason) {
      stats[transport].requests.failed[reason]++;
    },
  };
}

function leaveOutUnusable(spans: OtlpSpan[]): { usable: OtlpSpan[]; rejected: number; message: string } {
  let reasons: Map<string, number> | null = null;
  for (const span of spans) {
    const reason = spanRejectionReason(span);
    if (reason === null) continue;
    reasons ??= new Map();
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  // The common case: every span is usable, and the decoder's array goes on without a copy.
  if (reasons === null) return { usable: spans, rejected: 0, message: '' };

  const usable = spans.filter((s) => spanRejectionReason(s) === null);
  const rejected = spans.length - usable.length;
  const listed = [...reasons].slice(0, MAX_LISTED_REASONS).map(([reason, n]) => `${reason} (${n} span${n === 1 ? '' : 's'})`);
  if (reasons.size > MAX_LISTED_REASONS) listed.push(`and ${reasons.size - MAX_LISTED_REASONS} other reasons`);
  return { usable, rejected, message: `Rejected ${rejected} of ${spans.length} spans: ${listed.join('; ')}.` };
}
