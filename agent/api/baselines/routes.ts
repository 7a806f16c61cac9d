// GET /api/v1/baselines (the learned profiles, filtered, cursor-paginated) and
// GET /api/v1/baselines/compare (providers side by side on latency, error rate, cost per 1k
// tokens and quality-failure rate over one window), as the postgres exporter stored them.
import type { FastifyInstance } from 'fastify';
import { figuresFromRow, type ProfileRow } from '../../store/baseline-rows.ts';
import { latestHour, listBaselineProfiles, sumHourRows } from '../../store/baseline-queries.ts';
import { CurrentFigures } from '../../core/model/baseline.ts';
import { ApiError, ERROR_BODY } from '../api-error.ts';
import type { ApiDeps } from '../deps.ts';
import { parseParameters } from '../request-parameters.ts';
import { decodeKeyCursor, encodeKeyCursor } from './key-cursor.ts';
import {
  BASELINE_PAGE,
  baselineListQuery,
  COMPARISON_PAGE,
  compareQuery,
  type Baseline,
  type BaselinePage,
  type ComparisonPage,
} from './schemas.ts';

const HOUR_MS = 3_600_000;
const DEFAULT_WINDOW_MS = 24 * HOUR_MS;

export function registerBaselineRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const listQuery = baselineListQuery(deps.pageSizes.max);

  app.get(
    '/api/v1/baselines',
    {
      config: {
        openapi: {
          operationId: 'listBaselines',
          summary: 'List the learned baselines per provider and model.',
          description:
            'Each profile with its baseline for the current hour of the week (latency, time to first token, tokens per second, error rate by type, cost and tokens per request, quality-failure rate), the green/yellow/red zones drawn from it, whether it is ready, and the current window against it. Follow next_cursor until it is null.',
          tags: ['baselines'],
          query: listQuery,
          responses: {
            200: { description: 'One page of profiles.', body: BASELINE_PAGE },
            400: { description: 'A query parameter is invalid; `error.parameter` names it.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request): Promise<BaselinePage> => {
      const q = parseParameters(listQuery, request.query, 'query');
      const limit = q.limit ?? deps.pageSizes.default;
      const after = q.cursor === undefined ? undefined : (decodeKeyCursor(q.cursor) ?? undefined);
      const page = await listBaselineProfiles(deps.database, {
        provider: q.provider,
        model: q.model,
        modelClass: q.model_class,
        limit,
        after,
      });
      const last = page.rows.at(-1);
      return {
        data: page.rows.map(toBaseline),
        next_cursor: page.more && last ? encodeKeyCursor([last.provider, last.model, last.route, last.team]) : null,
      };
    },
  );

  app.get(
    '/api/v1/baselines/compare',
    {
      config: {
        openapi: {
          operationId: 'compareProviders',
          summary: 'Providers side by side over the same window.',
          description:
            'Per provider and model class: requests, latency p50/p95/p99 (hourly sketches of every agent merged), error rate, cost per 1,000 tokens and quality-failure rate, from the stored hour rows in [from, to). Without from/to: the 24 hours up to the newest stored hour.',
          tags: ['baselines'],
          query: compareQuery,
          responses: {
            200: { description: 'The comparison matrix.', body: COMPARISON_PAGE },
            400: { description: 'A query parameter is invalid; `error.parameter` names it.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request): Promise<ComparisonPage> => {
      const q = parseParameters(compareQuery, request.query, 'query');
      const newest = q.to === undefined ? await latestHour(deps.database, q.model_class) : null;
      const to = q.to !== undefined ? new Date(q.to) : new Date((newest?.getTime() ?? floorHour(Date.now())) + HOUR_MS);
      const from = q.from !== undefined ? new Date(q.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
      if (from >= to)
        throw new ApiError(400, 'invalid_parameter', `from (${from.toISOString()}) must be before to (${to.toISOString()})`, {
          parameter: 'from',
        });
      const groups = await sumHourRows(deps.database, { from, to, modelClass: q.model_class });
      const tokens = (g: (typeof groups)[number]) => g.inputTokens + g.outputTokens;
      return {
        data: groups.map((g) => ({
          provider: g.provider,
          model_class: g.model_class,
          models: g.models,
          requests: g.requests,
          latency_ms: { p50: round(g.latency.p50), p95: round(g.latency.p95), p99: round(g.latency.p99) },
          error_rate: g.requests > 0 ? round(g.errors / g.requests, 6) : null,
          cost_per_1k_tokens_usd: tokens(g) > 0 && g.costCalls > 0 ? round((g.costUsd / tokens(g)) * 1000, 6) : null,
          quality_failure_rate: g.qualityChecked > 0 ? round(g.qualityFailed / g.qualityChecked, 6) : null,
        })),
        next_cursor: null,
        window: { from: from.toISOString(), to: to.toISOString() },
      };
    },
  );
}

function toBaseline(row: ProfileRow): Baseline {
  try {
    const figures = figuresFromRow(row);
    return {
      provider: row.provider,
      model: row.model,
      route: row.route,
      team: row.team,
      model_class: row.model_class,
      ready: row.ready,
      samples: Number(row.samples),
      slot: row.slot,
      ...figures,
      current: CurrentFigures.parse(row.current),
      deviation: row.deviation as Baseline['deviation'],
      updated_at: row.updated_at.toISOString(),
    };
  } catch (cause) {
    throw new ApiError(
      500,
      'invalid_stored_baseline',
      `The stored baseline of ${row.provider} ${row.model} is not readable (${(cause as Error).message}); delete the row and it is written again at the next flush.`,
    );
  }
}

const floorHour = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;

function round(v: number | null, digits = 2): number | null {
  if (v === null) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
