// predictor: leading indicators of provider failures per provider, model and deployment, in event
// time (rate-limit exhaustion from the remaining/reset headers, the latency trend against the
// learned baseline or the static SLA, error-rate acceleration), recorded as PredictedFailures on
// the `predictions` lane and scored against the failures that follow; circuit-breaker transitions
// per deployment on the `circuits` lane. Expects normalized calls and classified events upstream;
// reads the `baselines` lane when a baseline processor runs before it.
import { defineProcessor } from '../../agent/core/component.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { CircuitTransition, PredictedFailure } from '../../agent/core/model/prediction.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { createBaselineView } from './baseline-view.ts';
import { circuitOutcome } from './call-outcome.ts';
import { PredictorConfig } from './config.ts';
import { createIndicators } from './indicators.ts';
import { registerPredictionMetrics } from './metrics.ts';
import { Outcomes } from './outcomes.ts';
import { selectOpenPredictions } from './restore.ts';

const FAILURE_TYPE_OF_EVENT: Record<string, 'rate_limited' | 'latency_degradation'> = {
  rate_limited: 'rate_limited',
  latency_degradation: 'latency_degradation',
};

export default defineProcessor({
  type: 'predictor',
  description:
    'Predicts provider failures before they happen (rate-limit exhaustion, latency trend, error-rate acceleration), scores each prediction against what followed, and infers circuit-breaker state per deployment.',
  configSchema: PredictorConfig,
  create(config, ctx) {
    const baselines = createBaselineView();
    const indicators = createIndicators(config, baselines);
    const outcomes = new Outcomes(config);
    registerPredictionMetrics(ctx.meter, outcomes, indicators);
    let cancelTimer: (() => void) | null = null;
    let restorePending = ctx.database !== null;

    const restore = async (): Promise<void> => {
      try {
        const open = await selectOpenPredictions(ctx.database!);
        outcomes.restore(open);
        restorePending = false;
        if (open.length > 0) ctx.logger.info({ predictions: open.length }, 'Restored pending predictions from the database.');
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
      }
    };

    const tick = async () => {
      if (restorePending)
        await restore().catch((err: unknown) =>
          ctx.logger.error({ err }, 'Restoring pending predictions failed; retrying at the next tick.'),
        );
      const nowMs = ctx.clock.now();
      const found: PredictedFailure[] = [];
      // An error rate at the failure line is the outage the error indicator predicts.
      for (const f of indicators.failingWindows(nowMs)) found.push(...outcomes.failure({ ...f, type: 'outage' }, nowMs, null));
      found.push(...outcomes.evaluate(nowMs, indicators.risks(nowMs)));
      if (found.length === 0) return;
      try {
        await ctx.emit(createBatch({ predictions: found }));
      } catch (err) {
        ctx.logger.error(
          { err, predictions: found.length },
          'Passing on predictions failed; the store and the actions exporter miss them.',
        );
      }
    };

    return {
      async start() {
        if (restorePending) await restore();
        cancelTimer = ctx.scheduler.every(config.interval_ms, tick);
      },
      process(batch) {
        baselines.observe(batch.baselines);
        const calls = batch.calls.filter((c): c is LlmCall => c.kind === 'llm').sort((a, b) => a.timing.endMs - b.timing.endMs);
        const circuits: CircuitTransition[] = [];
        for (const call of calls) {
          const change = indicators.observe(call, circuitOutcome(call));
          if (change) circuits.push(change);
        }
        const predictions: PredictedFailure[] = [];
        for (const e of batch.events) {
          const type = FAILURE_TYPE_OF_EVENT[e.subtype];
          if (e.category !== 'provider' || type === undefined) continue;
          predictions.push(
            ...outcomes.failure({ provider: e.provider, model: e.model, deployment: null, type }, Date.parse(e.timestamp), e.failure_id),
          );
        }
        if (circuits.length === 0 && predictions.length === 0) return batch;
        return createBatch({
          ...batch,
          predictions: [...batch.predictions, ...predictions],
          circuits: [...batch.circuits, ...circuits],
        });
      },
      async shutdown() {
        cancelTimer?.();
        cancelTimer = null;
      },
    };
  },
});
