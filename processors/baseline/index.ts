// baseline: learns what normal is for each provider and model (hour-of-week seasonal profiles of
// latency, error rate, tokens per second, cost and tokens per request) and judges each call's
// window against it, attaching a window-level signal when a deviation starts. Expects detectors
// upstream (error types and quality findings come from their signals) and the classifier after it;
// puts the profiles on the `baselines` lane every flush_interval_ms of event time and at shutdown,
// and restores them from the database at start. In a fleet (fleet-baselines.ts) what it puts out is
// its part, the lease holder merges every agent's parts, and each agent judges against the merge.
import { defineProcessor } from '../../agent/core/component.ts';
import type { Cancel } from '../../agent/core/clock.ts';
import { fleetDatabase } from '../../agent/core/fleet-scope.ts';
import { rowOwner } from '../../agent/core/leadership.ts';
import { baselineKey } from '../../agent/core/model/baseline.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { LlmCall, TelemetryItem } from '../../agent/core/model/llm-call.ts';
import { createSampledWarning } from '../../agent/core/sampled-warning.ts';
import { profileFromRow, type RestoredProfile } from '../../agent/store/baseline-rows.ts';
import { selectBaselineProfiles } from '../../agent/store/baseline-queries.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { emptySample, readSample } from './call-sample.ts';
import { BaselineConfig } from './config.ts';
import { startFleetBaselines } from './fleet-baselines.ts';
import { createKeyState, type KeyState } from './key-state.ts';
import { createModelClassifier } from './model-class.ts';
import { createKeyLookup } from './profile-key.ts';

export default defineProcessor({
  type: 'baseline',
  description:
    'Learns seasonal per-provider/model profiles (latency, errors, tokens/s, cost, tokens) and reports deviations from them; stores and restores the profiles.',
  configSchema: BaselineConfig,
  create(config, ctx) {
    const keys = new Map<string, KeyState>();
    /** Counts calls: each key keeps the count it was last seen at, and the least recently seen goes first past max_keys. */
    let tick = 0;
    const classOf = createModelClassifier(config.model_classes);
    const lookup = createKeyLookup(config.key_by);
    const warn = createSampledWarning(ctx.logger);
    /** Stored profiles not yet claimed by a call, by key id. */
    const stored = new Map<string, RestoredProfile>();
    const fleetDb = fleetDatabase(config.scope, ctx, 'merges the baselines of every agent');
    /** Fleet: the merged profile of each key read back, for keys this agent holds now or later. */
    const references = new Map<string, Uint8Array>();
    const fleet =
      fleetDb === null
        ? null
        : startFleetBaselines(config, ctx, fleetDb, (id, state) => {
            references.delete(id);
            references.set(id, state);
            if (references.size > config.max_keys) references.delete(references.keys().next().value!);
            keys.get(id)?.setReference(state);
          });
    // In a fleet an agent's own learning starts afresh (its part); the history it judges against is the fleet's.
    let restorePending = config.restore && ctx.database !== null && fleet === null;
    let cancelFlush: Cancel | null = null;
    /** The latest call end seen (ms), in a typed array: a closure variable would box the number at every write. */
    const latest = new Float64Array([-Infinity]);
    const sample = emptySample();

    const stateFor = (item: LlmCall): KeyState => {
      const key = lookup(item);
      let state = keys.get(key.id);
      if (!state) {
        const restored = stored.get(key.id);
        stored.delete(key.id);
        state = createKeyState(key, classOf(key.model), config, restored);
        const reference = references.get(key.id);
        if (reference) state.setReference(reference);
        keys.set(key.id, state);
        state.lastSeen = ++tick;
        if (keys.size > config.max_keys) evictLeastRecent();
        return state;
      }
      state.lastSeen = ++tick;
      return state;
    };
    const evictLeastRecent = () => {
      let oldest: KeyState | null = null;
      for (const state of keys.values()) if (oldest === null || state.lastSeen < oldest.lastSeen) oldest = state;
      if (oldest !== null) keys.delete(oldest.key.id);
    };

    const restore = async (): Promise<void> => {
      try {
        const rows = await selectBaselineProfiles(ctx.database!, config.max_keys);
        let unreadable = 0;
        const owner = rowOwner(ctx.leadership);
        for (const row of rows) {
          try {
            const p = profileFromRow(row, owner);
            const id = baselineKey(p);
            const live = keys.get(id);
            // A key that started fresh while the store was unreadable takes its history over.
            if (live) live.adopt(p);
            else stored.set(id, p);
          } catch (err) {
            unreadable++;
            warn({ err, provider: row.provider, model: row.model }, 'A stored baseline profile could not be read; that key starts afresh.');
          }
        }
        restorePending = false;
        if (rows.length > 0) ctx.logger.info({ profiles: rows.length - unreadable, unreadable }, 'Restored baseline profiles.');
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
      }
    };

    const flush = async (all: boolean) => {
      if (restorePending)
        await restore().catch((err: unknown) =>
          ctx.logger.error({ err }, 'Restoring baseline profiles failed; retrying at the next flush.'),
        );
      const now = Number.isFinite(latest[0]) ? Math.max(latest[0], ctx.clock.now()) : ctx.clock.now();
      const snapshots = [...keys.values()].filter((k) => all || k.isDirty()).map((k) => k.snapshot(now, fleet !== null));
      if (snapshots.length === 0) return;
      try {
        await ctx.emit(createBatch({ baselines: snapshots }));
      } catch (err) {
        ctx.logger.error({ err, profiles: snapshots.length }, 'Passing on baseline profiles failed; they go out again at the next flush.');
      }
    };

    return {
      async start() {
        if (restorePending) {
          await restore();
          if (restorePending)
            ctx.logger.warn('The database cannot be read yet: baselines start empty and take their stored history over once it can.');
        }
        if (fleet !== null) {
          if (config.restore) await fleet.restore();
          fleet.start();
        }
        cancelFlush = ctx.scheduler.every(config.flush_interval_ms, () => flush(false));
      },
      async shutdown() {
        cancelFlush?.();
        cancelFlush = null;
        await fleet?.stop();
        if (keys.size > 0) await flush(false);
        keys.clear();
      },
      process(batch) {
        let changed: TelemetryItem[] | null = null;
        for (let i = 0; i < batch.calls.length; i++) {
          const item = batch.calls[i];
          if (item.kind !== 'llm') continue;
          readSample(item, config.throughput.min_output_tokens, sample);
          if (sample.endMs > latest[0]) latest[0] = sample.endMs;
          const found = stateFor(item).observe(item, sample);
          if (found.length === 0) continue;
          changed ??= [...batch.calls];
          changed[i] = { ...item, signals: [...item.signals, ...found] };
        }
        return changed === null ? batch : createBatch({ ...batch, calls: changed });
      },
    };
  },
});
