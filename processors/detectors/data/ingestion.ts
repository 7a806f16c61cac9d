// ingestion_failure, two ways. A run that failed (span status error, or more than
// max_failed_fraction of its documents failed) is reported on its own span, once per data
// source until a run succeeds again. A configured job with no successful run within its
// max_interval_ms has no span to report on: overdue() (called from the processor's event-time
// timer) returns a window-level IngestionRun that carries the signal, its window starting at the
// last success (or when watching began) and listing the failed runs since as member spans.
import type { IngestionRun } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { DataConfig } from './config.ts';
import { dataSignal } from './data-signal.ts';

/** Failed runs listed as member spans of one overdue window. */
const MAX_MEMBER_SPANS = 50;

interface SourceState {
  lastSuccessMs: number | null;
  failedSpans: string[];
  failedRuns: number;
  armed: boolean;
  overdueReported: boolean;
}

export interface IngestionCheck {
  observe(run: IngestionRun): Signal | null;
  /** Window-level items for jobs with no successful run within their interval, as of nowMs. */
  overdue(nowMs: number): IngestionRun[];
}

export function createIngestionCheck(config: DataConfig, watchStartMs: number): IngestionCheck {
  const c = config.ingestion;
  const sources = createRecentKeys<SourceState>(config.max_keys + c.jobs.length);
  const fresh = (): SourceState => ({ lastSuccessMs: null, failedSpans: [], failedRuns: 0, armed: true, overdueReported: false });
  return {
    observe(run) {
      const source = run.dataSource ?? 'unknown';
      const s = sources.touch(source, fresh);
      const processed = run.documentsProcessed ?? 0;
      const failedDocs = run.documentsFailed ?? 0;
      const failedShare = processed + failedDocs > 0 ? failedDocs / (processed + failedDocs) : 0;
      const failed = run.outcome === 'error' || failedShare > c.max_failed_fraction;
      if (!failed) {
        s.lastSuccessMs = Math.max(s.lastSuccessMs ?? -Infinity, run.timing.endMs);
        s.failedSpans = [];
        s.failedRuns = 0;
        s.armed = true;
        s.overdueReported = false;
        return null;
      }
      s.failedRuns++;
      if (s.failedSpans.length < MAX_MEMBER_SPANS) s.failedSpans.push(run.source.spanId);
      if (!s.armed) return null;
      s.armed = false;
      return dataSignal(
        'ingestion_failure',
        run.outcome === 'error' ? 'run_status' : 'failed_documents',
        {
          rule: run.outcome === 'error' ? 'run:error' : 'run:failed_documents',
          key_kind: 'data_source',
          key: source,
          window: 'run',
          baseline: c.max_failed_fraction,
          observed: Math.round(failedShare * 1000) / 1000,
          documents_processed: run.documentsProcessed,
          documents_failed: run.documentsFailed,
        },
        { drift_score: null, collection: run.dataSource, documents_affected: run.documentsFailed },
      );
    },
    overdue(nowMs) {
      const out: IngestionRun[] = [];
      for (const job of c.jobs) {
        const s = sources.get(job.data_source) ?? fresh();
        const sinceMs = s.lastSuccessMs ?? watchStartMs;
        if (s.overdueReported || nowMs - sinceMs <= job.max_interval_ms) continue;
        s.overdueReported = true;
        sources.touch(job.data_source, () => s);
        const scope = `ingestion/${job.data_source}`;
        const signal = dataSignal(
          'ingestion_failure',
          'run_overdue',
          {
            rule: 'no_success_within_interval',
            key_kind: 'data_source',
            key: job.data_source,
            window_ms: job.max_interval_ms,
            baseline: job.max_interval_ms,
            observed: Math.round(nowMs - sinceMs),
            last_success: s.lastSuccessMs === null ? null : new Date(s.lastSuccessMs).toISOString(),
            failed_runs: s.failedRuns,
          },
          { drift_score: null, collection: job.data_source, documents_affected: null },
          { scope, start_ms: sinceMs, member_spans: [...s.failedSpans] },
        );
        out.push(windowItem(job.data_source, sinceMs, nowMs, signal));
      }
      return out;
    },
  };
}

function windowItem(dataSource: string, startMs: number, endMs: number, signal: Signal): IngestionRun {
  return {
    kind: 'ingestion',
    // No span: the item stands for a window. Empty ids mark it; the classifier reads signal.window.
    source: {
      traceId: '',
      spanId: '',
      parentSpanId: '',
      spanName: 'faultline.ingestion_overdue',
      spanKind: 0,
      scopeName: 'faultline',
      vocabulary: 'unknown',
    },
    resource: { serviceName: null, environment: null, k8sNamespace: null, k8sPod: null, k8sNode: null },
    timing: { startMs, endMs, durationMs: Math.max(0, endMs - startMs), timeToFirstTokenMs: null },
    outcome: 'error',
    error: null,
    identity: {
      user: null,
      endUser: null,
      team: null,
      teamAlias: null,
      org: null,
      keyAlias: null,
      keyHash: null,
      route: null,
      sessionId: null,
      tags: [],
    },
    signals: [signal],
    dataSource,
    documentsProcessed: null,
    documentsFailed: null,
  };
}
