// Request and response shapes of /api/v1/baselines and /api/v1/baselines/compare, in zod: the
// handlers parse with them and the OpenAPI document is generated from them.
import { z } from 'zod';
import { BaselineFigures, CurrentFigures, DEVIATION_METRICS } from '../../core/model/baseline.ts';
import type { NamedSchema } from '../openapi.ts';
import { pageLimit, rfc3339 } from '../request-parameters.ts';
import { keyCursorParameter } from './key-cursor.ts';

const name = (what: string) => z.string().min(1).max(200).describe(what);
const modelClass = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, { error: 'expected a lower-case class name, e.g. small' })
  .describe('Only this model class (the baseline processor’s model_classes: small, large, reasoning, embedding, other, …).');

export function baselineListQuery(maxPageSize: number) {
  return z.strictObject({
    provider: name('Only this provider (normalized name, e.g. openai).').optional(),
    model: name('Only this model (requested model, e.g. gpt-4o).').optional(),
    model_class: modelClass.optional(),
    limit: pageLimit(maxPageSize)
      .optional()
      .describe(`Profiles per page, 1 to ${maxPageSize}; the server's default page size when omitted.`),
    cursor: keyCursorParameter().optional(),
  });
}

export const Baseline = z.strictObject({
  provider: z.string(),
  model: z.string(),
  route: z.string().describe("'' unless profiles are split by route."),
  team: z.string().describe("'' unless profiles are split by team."),
  model_class: z.string(),
  ready: z.boolean().describe('Whether the profile has learned from enough calls (ready_samples, default 1000).'),
  samples: z.number().int().nonnegative().describe('Calls the profile has learned from.'),
  slot: z.number().int().min(0).max(167).describe('Hour of the week (0 = Monday 00:00 UTC) the figures are for.'),
  ...BaselineFigures.shape,
  current: CurrentFigures.describe('The window at the time of the snapshot.'),
  deviation: z.record(z.enum(DEVIATION_METRICS), z.number().nullable()).describe('Current window / baseline, per metric.'),
  updated_at: z.iso.datetime({ offset: true }).describe('Event time of the snapshot.'),
});
export type Baseline = z.infer<typeof Baseline>;

export const BaselinePage = z.strictObject({
  data: z.array(Baseline).describe('Profiles in (provider, model, route, team) order.'),
  next_cursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page.'),
});
export type BaselinePage = z.infer<typeof BaselinePage>;
export const BASELINE_PAGE: NamedSchema = { name: 'BaselinePage', schema: BaselinePage };

export const compareQuery = z
  .strictObject({
    model_class: modelClass.optional(),
    from: rfc3339().optional().describe('Window start (RFC 3339); default: 24 hours before `to`.'),
    to: rfc3339().optional().describe('Window end (RFC 3339); default: the end of the newest stored hour.'),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && Date.parse(q.to) <= Date.parse(q.from))
      ctx.addIssue({ code: 'custom', path: ['to'], message: `expected a time after from (${q.from}), got "${q.to}"` });
  });

export const ProviderComparison = z.strictObject({
  provider: z.string(),
  model_class: z.string(),
  models: z.array(z.string()).describe('The models of the class this provider served in the window.'),
  requests: z.number().int().nonnegative(),
  latency_ms: z.strictObject({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() }),
  error_rate: z.number().nullable(),
  cost_per_1k_tokens_usd: z.number().nullable(),
  quality_failure_rate: z.number().nullable(),
});
export type ProviderComparison = z.infer<typeof ProviderComparison>;

export const ComparisonPage = z.strictObject({
  data: z.array(ProviderComparison).describe('One row per provider and model class, over the same window.'),
  next_cursor: z.null().describe('Always null: the matrix is one page.'),
  window: z.strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }),
});
export type ComparisonPage = z.infer<typeof ComparisonPage>;
export const COMPARISON_PAGE: NamedSchema = { name: 'ProviderComparison', schema: ComparisonPage };
