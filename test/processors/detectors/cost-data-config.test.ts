import { describe, expect, it } from 'vitest';
import { DetectorsConfig } from '../../../processors/detectors/config.ts';

describe('detectors config: cost and data sections', () => {
  it('turns both on out of the box, with no budgets, batches or ingestion jobs', () => {
    const c = DetectorsConfig.parse({});
    expect(c.cost).toMatchObject({ enabled: true, budgets: [], batches: [], budget_rearm_ratio: 0.9, max_keys: 10_000 });
    expect(c.cost.token_spike).toEqual({ factor: 5, min_tokens: 2_000, min_samples: 20, window_ms: 3_600_000, max_samples_per_key: 500 });
    expect(c.data).toMatchObject({
      enabled: true,
      max_keys: 1_000,
      ingestion: { jobs: [], max_failed_fraction: 0, check_interval_ms: 60_000 },
    });
    expect(c.data.stale_index).toEqual({ max_age_ms: null, min_stale_fraction: 0.5, collections: [] });
    expect(c.data.retrieval_quality).toMatchObject({ psi_threshold: 0.25, ks_alpha: 0.01, min_top1_drop: 0.1 });
  });

  it('gives a budget the match "*" (every value its own budget) when none is given', () => {
    expect(DetectorsConfig.parse({ cost: { budgets: [{ scope: 'route', window_ms: 60_000, budget_usd: 5 }] } }).cost.budgets[0]).toEqual({
      scope: 'route',
      match: '*',
      window_ms: 60_000,
      budget_usd: 5,
    });
  });

  it.each([
    ['a budget scope that does not exist', { cost: { budgets: [{ scope: 'org', window_ms: 1, budget_usd: 1 }] } }, 'cost.budgets.0.scope'],
    ['a zero budget', { cost: { budgets: [{ scope: 'team', window_ms: 1, budget_usd: 0 }] } }, 'cost.budgets.0.budget_usd'],
    ['a batch rule with both tag and tag_prefix', { cost: { batches: [{ tag: 'a', tag_prefix: 'b', budget_usd: 1 }] } }, 'cost.batches.0'],
    ['a batch rule with neither', { cost: { batches: [{ budget_usd: 1 }] } }, 'cost.batches.0'],
    ['a spike factor of 1', { cost: { token_spike: { factor: 1 } } }, 'cost.token_spike.factor'],
    ['an unknown cost key', { cost: { budget: [] } }, 'cost'],
    ['a KS level of 1', { data: { retrieval_quality: { ks_alpha: 1 } } }, 'data.retrieval_quality.ks_alpha'],
    [
      'an ingestion job without an interval',
      { data: { ingestion: { jobs: [{ data_source: 'docs' }] } } },
      'data.ingestion.jobs.0.max_interval_ms',
    ],
  ])('rejects %s', (_name, input, path) => {
    const r = DetectorsConfig.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('says what a batch rule needs', () => {
    const r = DetectorsConfig.safeParse({ cost: { batches: [{ budget_usd: 1 }] } });
    expect(r.error?.issues[0].message).toBe('give exactly one of tag or tag_prefix');
  });
});
