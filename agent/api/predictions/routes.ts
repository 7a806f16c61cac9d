// GET /api/v1/predictions (filtered, cursor-paginated, newest first) and
// GET /api/v1/predictions/accuracy (precision, recall and median lead per failure type), from the
// rows the predictor's lane writes into failure_predictions.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PredictedFailure, PredictedFailureType, PredictionState } from '../../core/model/prediction.ts';
import { listPredictions, predictionAccuracy } from '../../store/prediction-queries.ts';
import { ERROR_BODY } from '../api-error.ts';
import { millisecondPosition, positionTime } from '../cursor.ts';
import type { ApiDeps } from '../deps.ts';
import { registerListRoute } from '../list-route.ts';
import { parseParameters, rfc3339 } from '../request-parameters.ts';

const provider = z.string().min(1).max(200).describe('Only this provider (normalized, e.g. openai, anthropic).');

const PREDICTION_FILTERS = {
  state: PredictionState.optional().describe('Only predictions in this state (pending, confirmed, expired, missed, cancelled).'),
  provider: provider.optional(),
  failure_type: PredictedFailureType.optional().describe('Only this predicted failure type.'),
};

const AccuracyQuery = z.strictObject({
  provider: provider.optional(),
  since: rfc3339().optional().describe('Only predictions made at or after this time.'),
});

const Accuracy = z.strictObject({
  data: z.array(
    z.strictObject({
      failure_type: z.string(),
      confirmed: z.number().int().nonnegative(),
      expired: z.number().int().nonnegative().describe('False alarms: no failure within the horizon.'),
      missed: z.number().int().nonnegative().describe('Failures that came with no prediction.'),
      pending: z.number().int().nonnegative(),
      precision: z.number().nullable().describe('confirmed / (confirmed + expired).'),
      recall: z.number().nullable().describe('confirmed / (confirmed + missed).'),
      median_lead_secs: z.number().nullable().describe('Median seconds from prediction to failure, over confirmed predictions.'),
    }),
  ),
});

export function registerPredictionRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerListRoute(app, deps, {
    url: '/api/v1/predictions',
    operationId: 'listPredictions',
    summary: 'List predicted failures and how they turned out, newest first.',
    description: 'Filters combine with AND.',
    tags: ['predictions'],
    item: PredictedFailure,
    pageName: 'PredictionPage',
    noun: 'predictions',
    order: 'newest predicted first (then by prediction_id)',
    filters: PREDICTION_FILTERS,
    async fetch(filters, { take, after }) {
      const position = after ? { predictedAt: positionTime(after), predictionId: after.id } : undefined;
      const rows = await listPredictions(deps.database, { ...filters, take, after: position });
      return rows.map((item) => ({ item, position: millisecondPosition(item.predicted_at, item.prediction_id) }));
    },
  });

  app.get(
    '/api/v1/predictions/accuracy',
    {
      config: {
        openapi: {
          operationId: 'getPredictionAccuracy',
          summary: 'Precision, recall and median lead of the predictions, per failure type.',
          tags: ['predictions'],
          query: AccuracyQuery,
          responses: {
            200: { description: 'Accuracy per failure type.', body: { name: 'PredictionAccuracy', schema: Accuracy } },
            400: { description: 'A query parameter is invalid; `error.parameter` names it.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request) => {
      const q = parseParameters(AccuracyQuery, request.query, 'query');
      return { data: await predictionAccuracy(deps.database, q) };
    },
  );
}
