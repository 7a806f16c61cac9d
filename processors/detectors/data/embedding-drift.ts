// embedding_drift, when spans carry vectors: per provider and model, the first baseline_vectors
// (unit-normalized) give a baseline centroid; the threshold is calibrated from the baseline by
// bootstrap (the `quantile` of cosine distances between the baseline centroid and centroids of
// min_window_vectors vectors resampled from it), floored at min_threshold. The current window's
// centroid is kept as bucketed sums, so memory is a few vectors per key, whatever the traffic;
// baseline vectors are dropped once calibrated. Reported once; re-armed below rearm_ratio × the
// threshold.
import type { EmbeddingCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { createBucketSums, type BucketSums } from '../bucket-sums.ts';
import { createRecentKeys } from '../recent-keys.ts';
import type { DataConfig } from './config.ts';
import { dataSignal, round3 } from './data-signal.ts';

interface ModelState {
  dim: number;
  /** Unit vectors (each with a trailing 1, see unitRow) collected until the baseline is complete, then null. */
  collecting: Float64Array[] | null;
  centroid: number[] | null;
  threshold: number;
  window: BucketSums;
  lastJudgedMs: number;
  armed: boolean;
}

export interface EmbeddingDriftCheck {
  observe(call: EmbeddingCall): Signal | null;
}

export function createEmbeddingDriftCheck(config: DataConfig): EmbeddingDriftCheck {
  const c = config.embedding_drift;
  const states = createRecentKeys<ModelState>(c.max_models);
  const bucketMs = Math.max(1, Math.floor(c.window_ms / 10));
  const judgeEveryMs = c.window_ms / 30;
  return {
    observe(call) {
      const vectors = call.vectors.filter((v) => v.length > 0);
      if (vectors.length === 0) return null;
      const model = call.requestModel ?? 'unknown';
      const key = `${call.provider}/${model}`;
      const s = states.touch(key, () => ({
        dim: vectors[0].length,
        collecting: [],
        centroid: null,
        threshold: 0,
        window: createBucketSums(vectors[0].length + 1, c.window_ms, bucketMs),
        lastJudgedMs: -Infinity,
        armed: true,
      }));
      for (const raw of vectors) {
        if (raw.length !== s.dim) continue;
        const v = unitRow(raw);
        if (v === null) continue;
        s.window.add(call.timing.endMs, v);
        if (s.collecting !== null) {
          s.collecting.push(v);
          if (s.collecting.length >= c.baseline_vectors) {
            s.centroid = centroidOf(s.collecting, s.dim);
            s.threshold = Math.max(
              c.min_threshold,
              calibrate(s.collecting, s.centroid, c.min_window_vectors, c.bootstrap_rounds, c.quantile, key),
            );
            s.collecting = null;
          }
        }
      }
      // Summing the window costs a few vectors' worth of work: judged at most 30 times a window.
      if (s.centroid === null || call.timing.endMs - s.lastJudgedMs < judgeEveryMs) return null;
      s.lastJudgedMs = call.timing.endMs;
      const sums = s.window.recent(c.window_ms);
      const count = sums[s.dim];
      if (count < c.min_window_vectors) return null;
      const distance = cosineDistance(sums.slice(0, s.dim), s.centroid);
      if (!s.armed) {
        if (distance < s.threshold * c.rearm_ratio) s.armed = true;
        return null;
      }
      if (distance <= s.threshold) return null;
      s.armed = false;
      return dataSignal(
        'embedding_drift',
        'centroid_distance',
        {
          rule: `bootstrap_q${c.quantile}`,
          key_kind: 'model',
          key,
          window_ms: c.window_ms,
          baseline: round3(s.threshold),
          observed: round3(distance),
          baseline_vectors: c.baseline_vectors,
          window_vectors: count,
          dimensions: s.dim,
        },
        { drift_score: Math.min(1, round3(distance)), collection: null, documents_affected: count },
      );
    },
  };
}

/** The unit vector with a 1 appended: one row adds both the vector and the count to the window. */
function unitRow(v: readonly number[]): Float64Array | null {
  let norm = 0;
  for (const x of v) norm += x * x;
  if (!(norm > 0) || !Number.isFinite(norm)) return null;
  const k = 1 / Math.sqrt(norm);
  const row = new Float64Array(v.length + 1);
  for (let i = 0; i < v.length; i++) row[i] = v[i] * k;
  row[v.length] = 1;
  return row;
}

function centroidOf(rows: readonly Float64Array[], dim: number): number[] {
  const sum = new Array<number>(dim).fill(0);
  for (const v of rows) for (let i = 0; i < dim; i++) sum[i] += v[i];
  return sum.map((x) => x / rows.length);
}

/** 1 − cos(a, b); scale-free, so a sum stands in for its mean. */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  if (na === 0 || nb === 0) return 1;
  return Math.max(0, 1 - dot / Math.sqrt(na * nb));
}

// Deterministic resampling (seeded from the key), so a replay calibrates the same threshold.
function calibrate(
  baseline: readonly Float64Array[],
  centroid: readonly number[],
  sampleSize: number,
  rounds: number,
  quantile: number,
  seedText: string,
): number {
  const random = mulberry32(hash32(seedText));
  const distances: number[] = [];
  const dim = centroid.length;
  for (let r = 0; r < rounds; r++) {
    const sum = new Array<number>(dim).fill(0);
    for (let k = 0; k < sampleSize; k++) {
      const v = baseline[Math.floor(random() * baseline.length)];
      for (let i = 0; i < dim; i++) sum[i] += v[i];
    }
    distances.push(cosineDistance(sum, centroid));
  }
  distances.sort((a, b) => a - b);
  return distances[Math.min(distances.length - 1, Math.ceil(quantile * distances.length) - 1)];
}

function hash32(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
