// stale_index: a retrieval whose dated documents (metadata timestamps) are mostly older than the
// collection's age limit at the time of the retrieval (event time, never the wall clock).
// Documents without a timestamp neither count for nor against. Off for collections with no
// configured age (no default: a policy archive and a news feed age differently). Reported once per collection;
// re-armed by a retrieval that returns fresh documents.
import type { RetrievalCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { DataConfig } from './config.ts';
import { dataSignal, round3 } from './data-signal.ts';

export interface StaleIndexCheck {
  observe(call: RetrievalCall): Signal | null;
}

export function createStaleIndexCheck(config: DataConfig): StaleIndexCheck {
  const c = config.stale_index;
  const limits = new Map(c.collections.map((x) => [x.collection, x.max_age_ms]));
  const armed = createRecentKeys<{ armed: boolean }>(config.max_keys);
  return {
    observe(call) {
      const maxAge = (call.dataSource !== null ? limits.get(call.dataSource) : undefined) ?? c.max_age_ms;
      if (maxAge === null) return null;
      const now = call.timing.endMs;
      const ages = call.documents
        .map((d) => d.timestampMs)
        .filter((t): t is number => t !== null)
        .map((t) => now - t);
      if (ages.length === 0) return null;
      const collection = call.dataSource ?? 'unknown';
      const stale = ages.filter((a) => a > maxAge).length;
      const fraction = stale / ages.length;
      const state = armed.touch(collection, () => ({ armed: true }));
      if (fraction < c.min_stale_fraction) {
        state.armed = true;
        return null;
      }
      if (!state.armed) return null;
      state.armed = false;
      return dataSignal(
        'stale_index',
        'document_age',
        {
          rule: limits.has(collection) ? 'max_age:collection' : 'max_age:default',
          key_kind: 'collection',
          key: collection,
          window: 'retrieval',
          baseline: maxAge,
          observed: Math.round(Math.max(...ages)),
          median_age_ms: Math.round(median(ages)),
          stale_documents: stale,
          dated_documents: ages.length,
          stale_fraction: round3(fraction),
        },
        { drift_score: null, collection: call.dataSource, documents_affected: stale },
      );
    },
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
