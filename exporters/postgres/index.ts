// postgres: writes every stored lane (those with a writer in agent/store/writers: failure events,
// incidents, ...) to PostgreSQL in one idempotent transaction per batch. While PostgreSQL is unreachable or slower than write_timeout_ms,
// batches go to a local
// SQLite spill buffer and drain in order, rate-limited, once it is back; refused records go to
// dead_letters. export() resolves only when a batch is committed to one or the other.
import { rowOwner } from '../../agent/core/leadership.ts';
import { defineExporter } from '../../agent/core/component.ts';
import { ExportError } from '../../agent/core/errors.ts';
import { createSampledWarning } from '../../agent/core/sampled-warning.ts';
import {
  openSpillBuffer,
  RECORD_OVERHEAD_BYTES,
  SpillBufferFullError,
  SpillDiskFullError,
  type SpillBuffer,
  type SpillStats,
} from '../../agent/delivery/spill/index.ts';
import { PostgresExporterConfig } from './config.ts';
import { insertDeadLetters, writeOrDeadLetter, type DeadLetter, type DeliveryResult } from './dead-letters.ts';
import { runDrainLoop } from './drain-loop.ts';
import { encodeItem, itemsOf, type ExportItem } from './export-item.ts';
import { createExporterMetrics } from './exporter-metrics.ts';
import { spillPath as spillPathOf } from './spill-path.ts';
import { createSpillRoom } from './spill-room.ts';
import { createWakeSignal } from './wake-signal.ts';
import { classifyWriteError, isServerAway, WriteTimeoutError } from './write-error.ts';
import { writeItems } from './write-items.ts';

export default defineExporter({
  type: 'postgres',
  description: 'Writes failure events and incidents to PostgreSQL (idempotent); spills to a local SQLite buffer while it is down or slow.',
  configSchema: PostgresExporterConfig,
  requires: ['database'],
  localFiles: (config, id) => ({ spill: spillPathOf(id, config) }),
  create(config, ctx) {
    const { id, logger, database, backpressure, health } = ctx;
    if (!database) {
      throw new Error(
        `exporters.${id}: the postgres exporter needs \`storage:\` in agent.yaml (storage.url, or an empty url for the bundled PostgreSQL).`,
      );
    }
    const spillPath = spillPathOf(id, config);
    // In a fleet, the instance id (agent_instances, the lease holder) tells the agents on one host apart.
    const agentInstance = rowOwner(ctx.leadership);
    const writeOptions = { agentInstance, maxRowsPerStatement: config.max_rows_per_statement, statementTimeoutMs: config.write_timeout_ms };
    const warn = createSampledWarning(logger);

    let buffer: SpillBuffer | null = null;
    let reachable = true; // until a write says otherwise
    let lastFailure = '';
    let lostSeen = 0;
    let stopping = false;
    let drainDone: Promise<void> | null = null;
    let shutdownPromise: Promise<void> | null = null;
    const exports = new Set<Promise<void>>(); // export() calls in progress
    const writes = new Set<Promise<unknown>>(); // writes, including ones that outlived their deadline
    const wake = createWakeSignal();
    const stop = new AbortController();
    const metrics = createExporterMetrics(ctx.meter, id, () => (buffer && !shutdownPromise ? buffer.stats() : null));

    const reportHealth = () => {
      if (room.holding) return health.report(id, { ready: false, detail: `Intake closed: ${room.holding}.` });
      const held = buffer?.stats().records ?? 0;
      if (reachable) {
        health.report(id, {
          ready: true,
          detail: held > 0 ? `Writing to PostgreSQL; draining ${held} buffered records.` : 'Writing to PostgreSQL.',
        });
      } else {
        health.report(id, { ready: true, detail: `PostgreSQL unreachable (${lastFailure}); buffering to ${spillPath} (${held} records).` });
      }
    };
    const room = createSpillRoom({
      id,
      path: spillPath,
      maxBytes: config.spill.max_bytes,
      retryAfterSec: config.retry_after_sec,
      backpressure,
      scheduler: ctx.scheduler,
      onChange: reportHealth,
    });

    /** Counts losses the buffer found; pass stats already read, so a hot path reads them once. */
    const syncLost = (stats: SpillStats | undefined = buffer?.stats()) => {
      const lost = stats?.lostRecords ?? 0;
      metrics.lost(lost - lostSeen);
      lostSeen = Math.max(lostSeen, lost);
    };

    const deadLetter = (letters: DeadLetter[]) => insertDeadLetters(database.pool, id, agentInstance, letters, logger);
    /** One attempt; a retryable failure or the deadline throws (the write may still land later). */
    const deliver = async (items: readonly ExportItem[]): Promise<DeliveryResult> => {
      const attempt = writeOrDeadLetter(items, (part) => writeItems(database.pool, part, writeOptions), deadLetter);
      writes.add(attempt);
      attempt.then(
        () => writes.delete(attempt),
        () => writes.delete(attempt),
      );
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new WriteTimeoutError(config.write_timeout_ms)), config.write_timeout_ms);
      });
      try {
        const result = await Promise.race([attempt, deadline]);
        metrics.sent(result.written);
        metrics.deadLettered(result.deadLettered);
        return result;
      } finally {
        clearTimeout(timer);
      }
    };

    const markUnreachable = (err: unknown) => {
      const failure = classifyWriteError(err);
      lastFailure = failure.code ? `${failure.code}: ${failure.message}` : failure.message;
      if (reachable)
        logger.warn({ err, spill: spillPath }, 'Writing to PostgreSQL failed; batches go to the spill buffer until it is back.');
      else warn({ err }, 'PostgreSQL is still failing writes; retrying with backoff.');
      reachable = false;
      reportHealth();
    };
    const markReachable = () => {
      if (!reachable) logger.info({ records: buffer?.stats().records ?? 0 }, 'PostgreSQL is reachable again; draining the spill buffer.');
      reachable = true;
      reportHealth();
    };

    /** Commits the items to the spill file, waiting for room if it is full; throws only at shutdown. */
    const spill = async (items: readonly ExportItem[]): Promise<void> => {
      const texts = items.map(encodeItem);
      const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t) + RECORD_OVERHEAD_BYTES, 0);
      for (;;) {
        try {
          buffer!.append(texts, Date.now());
          const held = buffer!.stats();
          room.afterAppend(held, bytes);
          syncLost(held); // an append that found the file corrupt quarantined it
          reportHealth();
          wake.notify();
          return;
        } catch (err) {
          const isCap = err instanceof SpillBufferFullError;
          const message = isCap
            ? `${err.message}`
            : err instanceof SpillDiskFullError
              ? err.message
              : `the spill buffer ${spillPath} cannot be written: ${(err as Error).message}`;
          if (!room.holding)
            logger[isCap ? 'warn' : 'error'](
              { err, items: items.length },
              'The spill buffer refused a batch; intake is closed (503 + Retry-After) until there is room.',
            );
          room.refused(message.replace(/\.$/, ''), !isCap);
        }
        if (stopping) break;
        await room.waitForChange(config.retry_after_sec * 1000);
        if (stopping) break;
        // PostgreSQL may take it directly before the buffer has room (always so for a batch larger than the cap).
        if (reachable) {
          try {
            await deliver(items);
            return;
          } catch (err) {
            metrics.sendFailed(items.length);
            markUnreachable(err);
          }
        }
      }
      // Shutting down with no room: one last direct attempt, then the batch is lost, and said so.
      try {
        await deliver(items);
        markReachable();
      } catch (err) {
        metrics.lost(items.length);
        logger.error(
          { err, items: items.length },
          'Lost a batch at shutdown: the spill buffer had no room and PostgreSQL did not take it.',
        );
        throw new ExportError(`${id}: a batch of ${items.length} items could not be delivered or buffered before shutdown.`, false, {
          cause: err,
        });
      }
    };

    const exportItems = async (items: ExportItem[]): Promise<void> => {
      // Behind a backlog, new batches queue after it, so delivery stays in order.
      if (reachable && buffer!.stats().records === 0) {
        try {
          await deliver(items);
          return;
        } catch (err) {
          metrics.sendFailed(items.length);
          markUnreachable(err);
        }
      }
      await spill(items);
    };

    return {
      async start() {
        if (buffer) return;
        const opened = openSpillBuffer({
          path: spillPath,
          maxBytes: config.spill.max_bytes,
          synchronous: config.spill.synchronous,
          logger,
        });
        buffer = opened.buffer;
        const held = buffer.stats();
        syncLost(held);
        room.afterAppend(held, 0);
        reportHealth();
        logger.info(
          { spill: spillPath, records: held.records, bytes: held.bytes, database: database.redactedUrl },
          'PostgreSQL exporter started.',
        );
        drainDone = runDrainLoop({
          buffer,
          config: config.spill,
          retry: config.retry,
          signal: stop.signal,
          wake,
          clock: ctx.clock,
          scheduler: ctx.scheduler,
          deliver,
          deadLetterUnreadable: async (texts) => {
            await deadLetter(
              texts.map((text) => ({
                item: { unreadable: text },
                reason: 'the spill record is not an item of a stored lane',
                errorCode: 'FL_SPILL_UNREADABLE',
              })),
            );
            metrics.deadLettered(texts.length);
          },
          onDelivered: () => {
            markReachable();
            const left = buffer!.stats();
            room.afterAck(left);
            syncLost(left);
          },
          onIdle: () => {
            const left = buffer!.stats();
            room.afterAck(left);
            syncLost(left);
            if (!reachable) {
              reachable = true; // nothing left to keep in order: the next batch tries PostgreSQL directly
              reportHealth();
            }
          },
          onFailed: (err, items) => {
            metrics.sendFailed(items);
            syncLost(); // the chunk just read may have failed its checksums: count them during the outage, not after it
            markUnreachable(err);
          },
          onRetry: () => metrics.retried(),
          isAway: isServerAway,
          probe: () =>
            database.pool.query('SELECT 1').then(
              () => true,
              () => false,
            ),
          logger,
        }).catch((err: unknown) => {
          // Not expected (the loop handles delivery and read failures); said loudly, never an unhandled rejection.
          logger.error({ err, spill: spillPath }, 'The spill buffer drain stopped; buffered records wait for the next start.');
        });
      },
      async export(batch) {
        const items = itemsOf(batch);
        if (items.length === 0) return;
        if (!buffer || shutdownPromise) throw new ExportError(`${id} is not running; the batch was not accepted.`, true);
        const p = exportItems(items);
        exports.add(p);
        try {
          await p;
        } finally {
          exports.delete(p);
        }
      },
      shutdown() {
        shutdownPromise ??= (async () => {
          stopping = true;
          stop.abort();
          wake.notify();
          room.wakeAll();
          await drainDone;
          await Promise.allSettled([...exports]);
          // Writes that outlived their deadline are already in the spill file; give them a moment to land.
          await Promise.race([Promise.allSettled([...writes]), new Promise((r) => setTimeout(r, config.write_timeout_ms).unref())]);
          room.release();
          metrics.close();
          if (buffer) {
            syncLost();
            const left = buffer.stats().records;
            buffer.close();
            if (left > 0)
              logger.info(
                { records: left, spill: spillPath },
                'Undelivered records stay in the spill buffer; the next start delivers them.',
              );
          }
        })();
        return shutdownPromise;
      },
    };
  },
});
