// correlator: links failure events into clusters — same trace, the causal rules (causal-rules.ts),
// time plus a shared team, route or key — and ranks each cluster's root cause (root-cause.ts).
// Expects the classifier upstream (events, and the calls they came from); passes everything on and
// appends a CorrelationUpdate per changed cluster on `correlations`, for the incidents processor
// (inhibition), the store, the API and the metrics. In a fleet (agents sharing a database) only the
// lease holder links, its own failures and every other agent's from the store (fleet-source.ts).
import { defineProcessor } from '../../agent/core/component.ts';
import type { Cancel } from '../../agent/core/clock.ts';
import { fleetDatabase } from '../../agent/core/fleet-scope.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import { selectActiveClusters } from '../../agent/store/correlation-queries.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { CAUSAL_RULES } from './causal-rules.ts';
import { CorrelatorConfig } from './config.ts';
import { createCorrelator } from './correlate.ts';
import { startFleetCorrelation } from './fleet-source.ts';

export default defineProcessor({
  type: 'correlator',
  description:
    'Links failure events into clusters (same trace, causal rules, time and a shared team/route/key), ranks each root cause, emits the clusters.',
  configSchema: CorrelatorConfig,
  create(config, ctx) {
    const newEngine = () =>
      createCorrelator({
        windowMs: config.window_ms,
        maxClusters: config.max_clusters,
        maxKindsPerCluster: config.max_kinds_per_cluster,
        maxTraces: config.max_traces,
        maxTrafficShare: config.max_traffic_share,
        rules: CAUSAL_RULES.filter((r) => !config.disabled_rules.includes(r.name)),
      });
    const fleet = fleetDatabase(config.scope, ctx, 'links failures');
    if (fleet) {
      const source = startFleetCorrelation(config, ctx, fleet, newEngine);
      return {
        start: async () => source.start(),
        process: (batch) => source.process(batch),
        shutdown: () => source.stop(),
      };
    }

    const engine = newEngine();
    let cancelTimer: Cancel | null = null;
    let stopped = false;

    // Active clusters of the last run, restored at start; when the database could not be read then
    // (down, or not migrated yet), on each check until it can.
    let restorePending = config.restore && ctx.database !== null;
    const restore = async (): Promise<void> => {
      try {
        const restored = await selectActiveClusters(ctx.database!);
        engine.restore(restored);
        restorePending = false;
        if (restored.length > 0)
          ctx.logger.info({ active_clusters: restored.length }, 'Restored active correlation clusters from the database.');
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
      }
    };

    const tick = async () => {
      if (restorePending)
        await restore().catch((err: unknown) =>
          ctx.logger.error({ err }, 'Restoring correlation clusters failed; retrying at the next check.'),
        );
      const updates = engine.expire(ctx.clock.now());
      if (updates.length === 0) return;
      try {
        await ctx.emit(createBatch({ correlations: updates }));
      } catch (err) {
        // A timer has nobody to throw to; the steps after this one failed to take the batch.
        ctx.logger.error(
          { err, clusters: updates.length },
          'Passing on closed correlation clusters failed; the store may show them active.',
        );
      }
    };

    return {
      async start() {
        if (restorePending) {
          await restore();
          if (restorePending)
            ctx.logger.warn(
              'The database cannot be read yet: starting with no correlation clusters restored; they are restored once it can (until then a cascade already under way starts a new cluster).',
            );
        }
        cancelTimer = ctx.scheduler.every(config.check_interval_ms, tick);
      },
      process(batch) {
        if (batch.events.length === 0 && batch.calls.length === 0) return batch;
        const updates = engine.process(batch.events, batch.calls);
        if (updates.length === 0) return batch;
        return createBatch({ ...batch, correlations: [...batch.correlations, ...updates] });
      },
      async shutdown() {
        // Active clusters stay active in the store; the next start restores them.
        if (stopped) return;
        stopped = true;
        cancelTimer?.();
      },
    };
  },
});
