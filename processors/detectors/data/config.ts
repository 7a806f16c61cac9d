// The `data:` section of the detectors config: checks over retrieval, embedding and ingestion
// spans. Every window is event time.
import { z } from 'zod';
import { count, milliseconds, ratio } from '../../../config/units.ts';

export const RetrievalQualityConfig = z.strictObject({
  window_ms: milliseconds().default(900_000).describe('Current window of event time whose retrieval scores are judged, per collection.'),
  baseline_window_ms: milliseconds().default(86_400_000).describe('Window just before the current one that the scores are compared with.'),
  min_samples: count('retrievals').default(30).describe('Retrievals with scores needed in each window before drift is judged.'),
  psi_threshold: z
    .number()
    .positive()
    .default(0.25)
    .describe(
      'PSI of the top-k score distribution (bins from baseline deciles) that counts as drift; 0.1–0.25 is moderate, above 0.25 significant.',
    ),
  ks_alpha: ratio('ks_alpha')
    .default(0.01)
    .describe('Significance level of the two-sample Kolmogorov–Smirnov test on top-k scores; a rejection counts as drift.'),
  min_top1_drop: ratio('min_top1_drop')
    .default(0.1)
    .describe('Relative fall of the mean top-1 score (current vs baseline) that a retrieval_quality_drop needs besides the drift.'),
  max_samples_per_key: count('retrievals')
    .default(2_000)
    .describe('Retrievals kept per collection across both windows; past it the oldest are forgotten.'),
});

export const EmbeddingDriftConfig = z.strictObject({
  baseline_vectors: count('vectors')
    .default(200)
    .describe('The first vectors seen for a provider/model form its baseline centroid and calibrate the threshold.'),
  window_ms: milliseconds()
    .default(900_000)
    .describe('Current window of event time whose centroid is compared with the baseline centroid.'),
  min_window_vectors: count('vectors')
    .default(50)
    .describe('Vectors the current window needs before drift is judged (also the sample size the threshold is calibrated for).'),
  quantile: ratio('quantile')
    .default(0.99)
    .describe('Threshold: this quantile of centroid distances of baseline resamples of min_window_vectors vectors (bootstrap).'),
  bootstrap_rounds: count('rounds').default(200).describe('Resamples drawn from the baseline to calibrate the threshold.'),
  min_threshold: z
    .number()
    .positive()
    .default(0.01)
    .describe('Cosine distance below which no drift is reported, whatever the calibration (guards a baseline of near-identical vectors).'),
  rearm_ratio: ratio('rearm_ratio')
    .default(0.8)
    .describe('After drift, the distance must fall below this fraction of the threshold before drift is reported again.'),
  max_models: count('models')
    .default(32)
    .describe(
      'Provider/model pairs tracked at once (each holds baseline_vectors vectors until calibrated); past it the least recently seen is forgotten.',
    ),
});

export const StaleCollection = z.strictObject({
  collection: z.string().min(1).describe('The collection / data source id as on the retrieval span.'),
  max_age_ms: milliseconds().describe('Documents older than this (from their metadata timestamp) are stale for this collection.'),
});

export const StaleIndexConfig = z.strictObject({
  max_age_ms: milliseconds()
    .nullable()
    .default(null)
    .describe(
      'Documents older than this at retrieval time (from metadata updated_at, last_modified, indexed_at, created_at or timestamp) are stale. null: only the collections listed below are checked, since how old is too old depends on the content.',
    ),
  min_stale_fraction: ratio('min_stale_fraction')
    .default(0.5)
    .describe('A retrieval is stale when at least this share of its dated documents is stale.'),
  collections: z.array(StaleCollection).default([]).describe('Per-collection age limits; they win over max_age_ms.'),
});

export const IngestionJob = z.strictObject({
  data_source: z
    .string()
    .min(1)
    .describe("The ingestion run's data source (faultline.ingestion.data_source or gen_ai.data_source.id) this job is known by."),
  max_interval_ms: milliseconds().describe('A successful run is expected at least this often; none within it is an ingestion_failure.'),
});

export const IngestionConfig = z.strictObject({
  max_failed_fraction: z
    .number()
    .min(0)
    .lt(1)
    .default(0)
    .describe('A run that succeeded but failed more than this share of its documents counts as failed.'),
  jobs: z.array(IngestionJob).default([]).describe('Ingestion jobs watched for a missing successful run.'),
  check_interval_ms: milliseconds().default(60_000).describe('How often (event time) the jobs are checked for an overdue successful run.'),
});

export const DataConfig = z.strictObject({
  enabled: z.boolean().default(true).describe('Data checks: retrieval_quality_drop, embedding_drift, stale_index, ingestion_failure.'),
  retrieval_quality: RetrievalQualityConfig.default(RetrievalQualityConfig.parse({})).describe(
    'retrieval_quality_drop: top-k score drift (PSI, two-sample KS) with a falling mean top-1 score.',
  ),
  embedding_drift: EmbeddingDriftConfig.default(EmbeddingDriftConfig.parse({})).describe(
    'embedding_drift: cosine distance of the window centroid from the baseline centroid, when spans carry vectors.',
  ),
  stale_index: StaleIndexConfig.default(StaleIndexConfig.parse({})).describe(
    'stale_index: retrieved documents older than a configured age.',
  ),
  ingestion: IngestionConfig.default(IngestionConfig.parse({})).describe(
    "ingestion_failure: failed ingestion runs, or no successful run within a job's interval.",
  ),
  max_keys: count('keys')
    .default(1_000)
    .describe('Collections, models and data sources tracked per check; past it the least recently seen is forgotten.'),
});
export type DataConfig = z.infer<typeof DataConfig>;
