// Fleet-wide grouping on the lease holder. Every poll_interval_ms: read the events all agents
// stored since the fleet cursor, group them, add the resolutions and escalations now due, and
// commit incidents and cursor in one transaction fenced by the lease epoch; only then pass the
// updates on (alert exporters page from them, the postgres exporter rewrites them idempotently).
// On gaining the lease the state is read back from the database (open incidents, the cursor), so
// a new leader neither re-opens nor re-pages what the last one committed; when a commit fails, the
// state is dropped and read back the same way, because memory may be ahead of the database.
import type { Database } from '../../agent/core/database.ts';
import type { ProcessorContext } from '../../agent/core/component.ts';
import { LeaseLostError } from '../../agent/core/leadership.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { CorrelationUpdate } from '../../agent/core/model/correlation.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import {
  commitFleetWork,
  CORRELATOR_CURSOR,
  LIVE_CURSOR_MS,
  readFleetCursor,
  readFleetEvents,
  readLiveFleetCursor,
  type FleetCursor,
} from '../../agent/store/fleet-events.ts';
import { selectOpenIncidents } from '../../agent/store/incident-queries.ts';
import { incidentUpdatesWriter } from '../../agent/store/writers/incident-updates.ts';
import type { IncidentsConfig } from './config.ts';
import { createGrouper } from './grouper.ts';

const CURSOR = 'incidents';
/** Pages read per poll at most, so one poll of a large backlog does not hold the timer for long. */
const MAX_PAGES_PER_POLL = 20;
/** Correlation updates kept for the events still on their way through the store (most recent). */
const MAX_CORRELATIONS = 2_000;

export interface FleetSource {
  /** The correlator's updates this agent saw: its own events, read back from the store, are linked with them. */
  noteCorrelations(updates: readonly CorrelationUpdate[]): void;
  start(): void;
  stop(): Promise<void>;
}

export function startFleetSource(config: IncidentsConfig, ctx: ProcessorContext, database: Database): FleetSource {
  const grouper = createGrouper(config);
  /** The epoch the in-memory state was read back under; null: read it back before grouping. */
  let stateEpoch: number | null = null;
  let cursor: FleetCursor | null = null;
  let cancel: (() => void) | null = null;
  let polling: Promise<void> | null = null;
  let correlations: CorrelationUpdate[] = [];

  const drop = () => {
    grouper.clear();
    stateEpoch = null;
    cursor = null;
  };

  async function poll(): Promise<void> {
    const epoch = ctx.leadership.epoch();
    if (epoch === null) {
      if (stateEpoch !== null) drop();
      return;
    }
    if (stateEpoch !== epoch) {
      drop();
      grouper.restore(await selectOpenIncidents(database));
      cursor = await readFleetCursor(database, CURSOR);
      stateEpoch = epoch;
      ctx.logger.info({ epoch, open_incidents: grouper.size }, 'Grouping incidents for the fleet; open incidents read back.');
    }
    // A fleet correlator that runs reads first: events wait for it, so their clusters are known.
    const upTo = await readLiveFleetCursor(database, CORRELATOR_CURSOR, LIVE_CURSOR_MS);
    for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
      const read = await readFleetEvents(database, cursor!, config.poll_batch, { upTo });
      const updates = grouper.group(read.events, correlations);
      if (!read.more) updates.push(...grouper.due(ctx.clock.now()));
      const moved = read.next.txId !== cursor!.txId || read.next.failureId !== cursor!.failureId;
      if (updates.length > 0 || moved) {
        await commitFleetWork(database, ctx.leadership, epoch, CURSOR, read.next, (client) =>
          incidentUpdatesWriter.write(client, updates, { agentInstance: ctx.leadership.holder, maxRowsPerStatement: 1_000 }),
        );
        cursor = read.next;
        if (updates.length > 0) await pass(updates);
      }
      if (!read.more) break;
    }
  }

  async function pass(updates: IncidentUpdate[]): Promise<void> {
    try {
      await ctx.emit(createBatch({ incidents: updates }));
    } catch (err) {
      ctx.logger.error({ err, transitions: updates.length }, 'Passing on committed incident transitions failed; receivers may miss them.');
    }
  }

  const tick = () => {
    if (polling) return polling;
    polling = poll()
      .catch((err: unknown) => {
        // Memory may be ahead of the database now: read it back at the next poll.
        drop();
        if (err instanceof LeaseLostError) ctx.logger.warn({ err }, 'Lost the fleet lease while grouping; the new leader carries on.');
        else ctx.logger.warn({ err }, 'Fleet-wide incident grouping failed; it reads its state back and retries at the next poll.');
      })
      .finally(() => {
        polling = null;
      });
    return polling;
  };

  return {
    noteCorrelations(updates) {
      correlations = [...correlations, ...updates].slice(-MAX_CORRELATIONS);
    },
    start() {
      cancel = ctx.scheduler.every(config.poll_interval_ms, tick);
    },
    async stop() {
      cancel?.();
      cancel = null;
      await polling;
    },
  };
}
