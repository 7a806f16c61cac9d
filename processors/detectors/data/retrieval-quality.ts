// retrieval_quality_drop: per collection, the top-k document scores of the current window
// against the baseline window just before it. Drift is PSI over the score distribution at or
// above psi_threshold, or a two-sample KS rejection; a quality drop is drift together with a
// mean top-1 score fallen by min_top1_drop (scores read as relevance: higher is better, so a
// shift upwards is not a drop). Judged at most 30 times per window per collection, so a busy
// retriever does not sort its history on every call. Reported once; re-armed when the top-1
// mean is back within half of min_top1_drop, or the drift is gone.
import type { RetrievalCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { DataConfig } from './config.ts';
import { dataSignal, round3 } from './data-signal.ts';
import { ksTwoSample, psi } from './drift-statistics.ts';

/** Scores kept per retrieval: the top-k the drift is about, and a bound on memory. */
const TOP_K = 10;

interface Sample {
  endMs: number;
  scores: number[];
  top1: number;
}

interface CollectionState {
  samples: Sample[];
  latestMs: number;
  lastJudgedMs: number;
  armed: boolean;
}

export interface RetrievalQualityCheck {
  observe(call: RetrievalCall): Signal | null;
}

export function createRetrievalQualityCheck(config: DataConfig): RetrievalQualityCheck {
  const c = config.retrieval_quality;
  const states = createRecentKeys<CollectionState>(config.max_keys);
  const judgeEveryMs = c.window_ms / 30;
  return {
    observe(call) {
      const scores = call.documents
        .map((d) => d.score)
        .filter((s): s is number => s !== null && Number.isFinite(s))
        .sort((a, b) => b - a)
        .slice(0, TOP_K);
      if (scores.length === 0) return null;
      const collection = call.dataSource ?? 'unknown';
      const s = states.touch(collection, () => ({ samples: [], latestMs: -Infinity, lastJudgedMs: -Infinity, armed: true }));
      const now = call.timing.endMs;
      s.latestMs = Math.max(s.latestMs, now);
      s.samples.push({ endMs: now, scores, top1: scores[0] });
      const oldest = s.latestMs - c.window_ms - c.baseline_window_ms;
      let drop = 0;
      while (drop < s.samples.length && (s.samples[drop].endMs <= oldest || s.samples.length - drop > c.max_samples_per_key)) drop++;
      if (drop > 0) s.samples.splice(0, drop);
      if (s.latestMs - s.lastJudgedMs < judgeEveryMs) return null;
      s.lastJudgedMs = s.latestMs;

      const split = s.latestMs - c.window_ms;
      const base = s.samples.filter((x) => x.endMs <= split);
      const cur = s.samples.filter((x) => x.endMs > split);
      if (base.length < c.min_samples || cur.length < c.min_samples) return null;
      const baseScores = base.flatMap((x) => x.scores);
      const curScores = cur.flatMap((x) => x.scores);
      const psiValue = psi(baseScores, curScores);
      const ks = ksTwoSample(baseScores, curScores, c.ks_alpha);
      const baseTop1 = mean(base.map((x) => x.top1));
      const curTop1 = mean(cur.map((x) => x.top1));
      const top1Drop = baseTop1 > 0 ? (baseTop1 - curTop1) / baseTop1 : 0;
      const drifted = psiValue >= c.psi_threshold || ks.rejected;
      if (!s.armed) {
        if (!drifted || top1Drop < c.min_top1_drop / 2) s.armed = true;
        return null;
      }
      if (!drifted || top1Drop < c.min_top1_drop) return null;
      s.armed = false;
      return dataSignal(
        'retrieval_quality_drop',
        'score_drift',
        {
          rule: psiValue >= c.psi_threshold ? (ks.rejected ? 'psi+ks' : 'psi') : 'ks',
          key_kind: 'collection',
          key: collection,
          window_ms: c.window_ms,
          baseline_window_ms: c.baseline_window_ms,
          baseline: round3(baseTop1),
          observed: round3(curTop1),
          top1_drop: round3(top1Drop),
          psi: round3(psiValue),
          ks_d: round3(ks.d),
          ks_critical: round3(ks.critical),
          ks_alpha: c.ks_alpha,
          retrievals: cur.length,
          baseline_retrievals: base.length,
        },
        { drift_score: Math.min(1, round3(ks.d)), collection: call.dataSource, documents_affected: curScores.length },
      );
    },
  };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
