// detectors: judges each normalized item against the provider-family, gateway, generic, latency,
// security and quality rules, and the cost and data windows, and attaches what it finds as
// Signals. Expects normalize and trace_assembler upstream; emits the same calls, those that matched
// replaced by copies with `signals` added, plus window-level items for overdue ingestion jobs (timer).
import { defineProcessor } from '../../agent/core/component.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { TelemetryItem } from '../../agent/core/model/llm-call.ts';
import { DetectorsConfig, toSettings } from './config.ts';
import { detectItem, tracesWithFailedAttempts } from './detect.ts';
import { createLatencyWindow } from './latency.ts';
import { createQualityStage } from './quality/quality-stage.ts';
import { createCostDetectors } from './cost/detect-cost.ts';
import { createDataDetectors } from './data/detect-data.ts';

export default defineProcessor({
  type: 'detectors',
  description:
    'Attaches failure signals to calls: provider-family, gateway and generic error rules, safety finishes, rate-limit headroom, latency SLAs, cost budgets and storms, retrieval/embedding drift, stale indexes, ingestion failures.',
  configSchema: DetectorsConfig,
  create(config, ctx) {
    const settings = toSettings(config);
    const latency = config.families.latency ? createLatencyWindow(config.latency) : null;
    const quality = config.quality.enabled ? createQualityStage(config.quality, ctx) : null;
    const cost = config.cost.enabled ? createCostDetectors(config.cost) : null;
    const data = config.data.enabled ? createDataDetectors(config.data, ctx.clock.now()) : null;
    let cancelOverdue: (() => void) | null = null;
    return {
      // A job with no successful run has no span to carry its signal: an event-time timer emits
      // a window-level item for it instead.
      async start() {
        await quality?.start();
        if (data === null || config.data.ingestion.jobs.length === 0) return;
        cancelOverdue = ctx.scheduler.every(config.data.ingestion.check_interval_ms, async () => {
          const overdue = data.overdue(ctx.clock.now());
          if (overdue.length > 0) await ctx.emit(createBatch({ calls: overdue }));
        });
      },
      async shutdown() {
        cancelOverdue?.();
        cancelOverdue = null;
        await quality?.shutdown();
      },
      process(batch) {
        const q = quality?.begin(batch.calls) ?? null;
        const failedAttempts = tracesWithFailedAttempts(batch.calls);
        const calls = batch.calls.map((item, i): TelemetryItem => {
          const found = detectItem(item, settings, failedAttempts);
          if (latency !== null && item.kind === 'llm') {
            const slow = latency.observe(item);
            if (slow !== null) found.push(slow);
          }
          if (q !== null && item.kind === 'llm') q.inspect(i, item, found);
          if (cost !== null && item.kind === 'llm') found.push(...cost.observe(item));
          if (data !== null) found.push(...data.observe(item));
          return found.length === 0 ? item : ({ ...item, signals: [...item.signals, ...found] } as TelemetryItem);
        });
        // Expensive quality checks (worker threads, bounded by a time budget) finish the batch.
        const pending = q?.finish(calls) ?? null;
        return pending === null ? createBatch({ ...batch, calls }) : pending.then(() => createBatch({ ...batch, calls }));
      },
    };
  },
});
