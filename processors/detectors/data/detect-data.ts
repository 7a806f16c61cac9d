// The data checks over retrieval, embedding and ingestion items, in one place for the detectors
// processor. Each check keeps its own bounded, event-time state.
import type { IngestionRun, TelemetryItem } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import type { DataConfig } from './config.ts';
import { createEmbeddingDriftCheck } from './embedding-drift.ts';
import { createIngestionCheck } from './ingestion.ts';
import { createRetrievalQualityCheck } from './retrieval-quality.ts';
import { createStaleIndexCheck } from './stale-index.ts';

export interface DataDetectors {
  observe(item: TelemetryItem): Signal[];
  overdue(nowMs: number): IngestionRun[];
}

export function createDataDetectors(config: DataConfig, watchStartMs: number): DataDetectors {
  const retrieval = createRetrievalQualityCheck(config);
  const stale = createStaleIndexCheck(config);
  const embedding = createEmbeddingDriftCheck(config);
  const ingestion = createIngestionCheck(config, watchStartMs);
  return {
    observe(item) {
      const found: Array<Signal | null> = [];
      if (item.kind === 'retrieval') found.push(retrieval.observe(item), stale.observe(item));
      else if (item.kind === 'embedding') found.push(embedding.observe(item));
      else if (item.kind === 'ingestion') found.push(ingestion.observe(item));
      return found.filter((s): s is Signal => s !== null);
    },
    overdue: (nowMs) => ingestion.overdue(nowMs),
  };
}
