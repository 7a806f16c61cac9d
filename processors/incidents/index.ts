// incidents: groups FailureEvents into incidents by fingerprint (category + subtype + provider +
// model by default), and tracks each through opened → updated → escalated → resolved (after a
// quiet period of event time). Expects the classifier upstream; passes events through and appends
// one IncidentUpdate per transition (at most one `updated` per incident per batch) on `incidents`.
// In a fleet (agents sharing a database), only the lease holder groups, from every agent's stored
// events (fleet-source.ts); the others pass events on and their postgres exporters store them.
import { defineProcessor } from '../../agent/core/component.ts';
import type { Cancel } from '../../agent/core/clock.ts';
import { fleetDatabase } from '../../agent/core/fleet-scope.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { selectOpenIncidents } from '../../agent/store/incident-queries.ts';
import { IncidentsConfig } from './config.ts';
import { startFleetSource } from './fleet-source.ts';
import { createGrouper } from './grouper.ts';

export default defineProcessor({
  type: 'incidents',
  description: 'Groups failure events into incidents by fingerprint, with escalation and auto-resolution after a quiet period.',
  configSchema: IncidentsConfig,
  create(config, ctx) {
    const fleet = fleetDatabase(config.scope, ctx, 'groups events');
    if (fleet) {
      const source = startFleetSource(config, ctx, fleet);
      return {
        start: async () => source.start(),
        process(batch) {
          // Only the correlator's view of this agent's own events reaches the leader's grouping (docs/fleet.md).
          if (batch.correlations.length > 0) source.noteCorrelations(batch.correlations);
          return batch;
        },
        shutdown: () => source.stop(),
      };
    }

    const grouper = createGrouper(config);
    let cancelTimer: Cancel | null = null;
    let stopped = false;

    // Open incidents of the last run, restored at start; when the database could not be read
    // then (down, or not migrated yet), on each check until it can.
    let restorePending = config.restore && ctx.database !== null;
    const restore = async (): Promise<void> => {
      try {
        const restored = await selectOpenIncidents(ctx.database!);
        // An incident opened here while the store was unreadable wins over its stored twin.
        grouper.restore(restored);
        restorePending = false;
        if (restored.length > 0) ctx.logger.info({ open_incidents: restored.length }, 'Restored open incidents from the database.');
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
      }
    };

    const tick = async () => {
      if (restorePending)
        await restore().catch((err: unknown) => ctx.logger.error({ err }, 'Restoring open incidents failed; retrying at the next check.'));
      const updates: IncidentUpdate[] = grouper.due(ctx.clock.now());
      if (updates.length === 0) return;
      try {
        await ctx.emit(createBatch({ incidents: updates }));
      } catch (err) {
        // A timer has nobody to throw to; the steps after this one failed to take the batch.
        ctx.logger.error(
          { err, transitions: updates.length },
          'Passing on resolved or escalated incidents failed; the store and receivers may miss these transitions.',
        );
      }
    };

    return {
      async start() {
        if (restorePending) {
          await restore();
          if (restorePending)
            ctx.logger.warn(
              'The database cannot be read yet: starting with no open incidents restored; they are restored once it can (until then an incident already open may open again).',
            );
        }
        cancelTimer = ctx.scheduler.every(config.check_interval_ms, tick);
      },
      process(batch) {
        const updates = grouper.group(batch.events, batch.correlations);
        if (updates.length === 0) return batch;
        return createBatch({ ...batch, incidents: [...batch.incidents, ...updates] });
      },
      async shutdown() {
        // Open incidents stay open: the store has them and the next start restores them.
        if (stopped) return;
        stopped = true;
        cancelTimer?.();
      },
    };
  },
});
