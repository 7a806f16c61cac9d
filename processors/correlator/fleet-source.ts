// Fleet-wide correlation on the lease holder. The leader links its own failures as they pass (as a
// lone agent does, so its incidents processor sees their clusters at once) and, every
// poll_interval_ms, the failures every other agent stored since the fleet cursor (read below the
// horizon of running transactions, as the incidents leader reads them). The cursor moves in a
// transaction fenced by the lease epoch; the clusters go out on the `correlations` lane after it.
// The other agents pass their failures on unlinked: one set of clusters for the fleet. On gaining
// the lease the active clusters and the cursor are read back; on losing it the state is dropped.
import type { Cancel } from '../../agent/core/clock.ts';
import type { ProcessorContext } from '../../agent/core/component.ts';
import type { Database } from '../../agent/core/database.ts';
import { LeaseLostError } from '../../agent/core/leadership.ts';
import { createBatch, type Batch } from '../../agent/core/model/batch.ts';
import type { CorrelationUpdate } from '../../agent/core/model/correlation.ts';
import { selectActiveClusters } from '../../agent/store/correlation-queries.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { commitFleetWork, CORRELATOR_CURSOR, readFleetCursor, readFleetEvents, type FleetCursor } from '../../agent/store/fleet-events.ts';
import type { CorrelatorConfig } from './config.ts';
import type { Correlator } from './correlate.ts';

/** Pages read per poll at most, so one poll of a large backlog does not hold the timer for long. */
const MAX_PAGES_PER_POLL = 20;

export interface FleetCorrelation {
  process(batch: Batch): Batch | Promise<Batch>;
  start(): void;
  stop(): Promise<void>;
}

export function startFleetCorrelation(
  config: CorrelatorConfig,
  ctx: ProcessorContext,
  database: Database,
  newEngine: () => Correlator,
): FleetCorrelation {
  let engine: Correlator | null = null;
  /** The epoch the engine's state was read back under; null: read it back before linking. */
  let stateEpoch: number | null = null;
  let cursor: FleetCursor | null = null;
  const cancels: Cancel[] = [];
  let polling: Promise<void> | null = null;

  // The engine is used by the passing batches and by the poll; one at a time, and the database is
  // read outside this lock so a slow query does not hold batches up.
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => T | Promise<T>): Promise<T> => {
    const run = chain.then(fn);
    chain = run.catch(() => {});
    return run;
  };

  const drop = () => {
    engine = null;
    stateEpoch = null;
    cursor = null;
  };

  /** Under the lock: the engine for `epoch`, its active clusters and cursor read back on a new epoch. */
  const ensureState = async (epoch: number): Promise<Correlator> => {
    if (stateEpoch === epoch && engine !== null) return engine;
    drop();
    const fresh = newEngine();
    const clusters = await selectActiveClusters(database);
    fresh.restore(clusters);
    cursor = await readFleetCursor(database, CORRELATOR_CURSOR);
    engine = fresh;
    stateEpoch = epoch;
    ctx.logger.info({ epoch, active_clusters: clusters.length }, "Linking the fleet's failures; active clusters read back.");
    return fresh;
  };

  async function poll(): Promise<void> {
    const epoch = ctx.leadership.epoch();
    if (epoch === null) {
      if (stateEpoch !== null) await exclusive(drop);
      return;
    }
    await exclusive(() => ensureState(epoch));
    for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
      const from = cursor!;
      const read = await readFleetEvents(database, from, config.poll_batch, { exceptAgent: ctx.leadership.holder });
      if (read.next.txId === from.txId && read.next.failureId === from.failureId) {
        // Nothing new: commit the cursor anyway, so the incidents leader knows this reader runs.
        if (page === 0) await commitFleetWork(database, ctx.leadership, epoch, CORRELATOR_CURSOR, from, async () => {});
        return;
      }
      const updates = await exclusive(() => (stateEpoch === epoch && engine !== null ? engine.process(read.events, []) : null));
      if (updates === null) return; // the lease changed hands meanwhile
      await commitFleetWork(database, ctx.leadership, epoch, CORRELATOR_CURSOR, read.next, async () => {});
      cursor = read.next;
      if (updates.length > 0) await pass(updates);
      if (!read.more) return;
    }
  }

  async function pass(updates: CorrelationUpdate[]): Promise<void> {
    try {
      await ctx.emit(createBatch({ correlations: updates }));
    } catch (err) {
      ctx.logger.error(
        { err, clusters: updates.length },
        'Passing on correlation clusters failed; the store may miss their latest revision.',
      );
    }
  }

  const pollTick = () => {
    if (polling) return polling;
    polling = poll()
      .catch(async (err: unknown) => {
        // The engine may be ahead of the cursor now: read both back at the next poll.
        await exclusive(drop);
        if (err instanceof LeaseLostError)
          ctx.logger.warn({ err }, 'Lost the fleet lease while linking failures; the new leader carries on.');
        else
          ctx.logger.warn(
            { err },
            "Reading the fleet's failures for correlation failed; state is read back and it retries at the next poll.",
          );
      })
      .finally(() => {
        polling = null;
      });
    return polling;
  };

  const expireTick = async () => {
    const updates = await exclusive(() => (engine !== null && ctx.leadership.epoch() === stateEpoch ? engine.expire(ctx.clock.now()) : []));
    if (updates.length > 0) await pass(updates);
  };

  return {
    process(batch) {
      if (batch.events.length === 0 && batch.calls.length === 0) return batch;
      const epoch = ctx.leadership.epoch();
      if (epoch === null) {
        if (stateEpoch !== null) void exclusive(drop);
        return batch;
      }
      return exclusive(async () => {
        let linked: Correlator;
        try {
          linked = await ensureState(epoch);
        } catch (err) {
          if (!isStoreNotReady(err)) throw err;
          ctx.logger.warn({ err }, 'The database cannot be read yet: failures pass on unlinked until the active clusters are read back.');
          return batch;
        }
        const updates = linked.process(batch.events, batch.calls);
        return updates.length === 0 ? batch : createBatch({ ...batch, correlations: [...batch.correlations, ...updates] });
      });
    },
    start() {
      cancels.push(ctx.scheduler.every(config.poll_interval_ms, pollTick));
      cancels.push(ctx.scheduler.every(config.check_interval_ms, expireTick));
    },
    async stop() {
      for (const cancel of cancels.splice(0)) cancel();
      await polling;
      await chain;
    },
  };
}
