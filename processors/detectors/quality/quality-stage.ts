// The quality checks across one batch: inline checks per call as the detectors map the batch, then
// the batch's expensive checks together, in the worker pool within the budget (or inline when
// workers.threads is 0), then the input-token note on every signal of the calls it concerns.
// Only then are a call's quality findings all known, so the regression check counts them last.
import type { ComponentContext } from '../../../agent/core/component.ts';
import type { LlmCall, TelemetryItem } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { availableParallelism } from 'node:os';
import { createCheckPool, type CheckPool, type WaitLimits } from './check-pool.ts';
import type { QualityConfig } from './config.ts';
import { completeQuality, inspectQuality, withTokenCheck, type QualityInspection, type TraceDocuments } from './detect-quality.ts';
import { checksOf, runExpensiveChecks, type ExpensiveResult } from './expensive-checks.ts';
import { createRegressionCheck } from './regression.ts';

const DEFAULT_MAX_WAIT_MS = 30_000;
const MAX_AUTO_THREADS = 4;

export interface QualityBatch {
  /** Adds the call's inline quality signals to `found` and remembers what is left to do. */
  inspect(index: number, call: LlmCall, found: Signal[]): void;
  /** Finishes the remembered calls in `calls` (replacing them), then counts them for regressions; null when done synchronously. */
  finish(calls: TelemetryItem[]): Promise<void> | null;
}

export interface QualityStage {
  begin(items: readonly TelemetryItem[]): QualityBatch;
  start(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createQualityStage(
  q: QualityConfig,
  ctx: Pick<ComponentContext, 'id' | 'mode' | 'meter' | 'logger' | 'backpressure'>,
): QualityStage {
  // Offline runs judge every call the same way every time: the expensive checks run inline instead
  // of on worker threads under a time budget, where a slow moment would drop some of them.
  const threads = ctx.mode === 'offline' ? 0 : (q.workers.threads ?? Math.min(MAX_AUTO_THREADS, Math.max(1, availableParallelism() - 1)));
  const pool: CheckPool | null =
    threads > 0
      ? createCheckPool({
          threads,
          maxQueue: q.workers.max_queue,
          meter: ctx.meter,
          logger: ctx.logger,
          intake: { backpressure: ctx.backpressure, holder: ctx.id, holdAt: Math.max(1, Math.floor(q.workers.max_queue / 2)) },
        })
      : null;
  const regression = q.regression.enabled ? createRegressionCheck(q.regression) : null;
  // A batch's budget grows with its checks: a fixed one would drop checks of large batches at any load.
  const waitFor = (checks: number): WaitLimits => {
    const budgetMs = q.workers.budget_ms + checks * q.workers.budget_per_check_ms;
    return { budgetMs, maxWaitMs: q.workers.max_wait_ms ?? Math.max(DEFAULT_MAX_WAIT_MS, budgetMs) };
  };

  return {
    begin(items) {
      const documents = documentsByTrace(items);
      const open: { index: number; inspection: QualityInspection }[] = [];
      return {
        inspect(index, call, found) {
          const inspection = inspectQuality(call, q, documents.get(call.source.traceId) ?? null);
          found.push(...inspection.signals);
          if (inspection.job !== null || inspection.grounding !== null || inspection.tokenCheck !== null) open.push({ index, inspection });
        },
        finish(calls) {
          const withJobs = open.filter((o) => o.inspection.job !== null);
          if (pool === null || withJobs.length === 0) {
            const results = withJobs.map((o) => runExpensiveChecks(o.inspection.job!));
            apply(calls, open, new Map(withJobs.map((o, i) => [o.index, results[i]])));
            regression?.observe(calls);
            return null;
          }
          return pool
            .run(
              withJobs.map((o) => o.inspection.job!),
              waitFor(withJobs.reduce((n, o) => n + checksOf(o.inspection.job!).length, 0)),
            )
            .then((results) => {
              apply(calls, open, new Map(withJobs.map((o, i) => [o.index, results[i]])));
              regression?.observe(calls);
            });
        },
      };
    },
    start: async () => {
      await pool?.start();
    },
    shutdown: async () => {
      await pool?.shutdown();
    },
  };

  function apply(
    calls: TelemetryItem[],
    open: readonly { index: number; inspection: QualityInspection }[],
    results: ReadonlyMap<number, ExpensiveResult | null>,
  ): void {
    for (const { index, inspection } of open) {
      const item = calls[index];
      const added = completeQuality(inspection, results.get(index) ?? null, q);
      if (added.length === 0 && (inspection.tokenCheck === null || item.signals.length === 0)) continue;
      calls[index] = { ...item, signals: withTokenCheck([...item.signals, ...added], inspection.tokenCheck) } as TelemetryItem;
    }
  }
}

/** Retrieved document text per trace, from the retrieval items of the batch. */
function documentsByTrace(items: readonly TelemetryItem[]): Map<string, TraceDocuments> {
  const out = new Map<string, { texts: string[]; count: number }>();
  for (const item of items) {
    if (item.kind !== 'retrieval') continue;
    let entry = out.get(item.source.traceId);
    if (entry === undefined) out.set(item.source.traceId, (entry = { texts: [], count: 0 }));
    for (const d of item.documents) {
      entry.count++;
      if (d.content !== null) entry.texts.push(d.content);
    }
  }
  return out;
}
