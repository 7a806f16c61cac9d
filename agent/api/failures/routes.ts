// GET /api/v1/failures (filtered, cursor-paginated, newest first) and GET /api/v1/failures/{id}:
// FailureEvents as the pipeline stored them in failure_events.
import type { FastifyInstance } from 'fastify';
import { FailureEvent } from '../../core/model/failure-event.ts';
import { rowToFailureEvent, type FailureEventRow } from '../../store/failure-event-row.ts';
import { ApiError, ERROR_BODY } from '../api-error.ts';
import type { ApiDeps } from '../deps.ts';
import { registerListRoute } from '../list-route.ts';
import { parseParameters } from '../request-parameters.ts';
import { FAILURE_BY_ID_SQL, failureListSql } from './list-query.ts';
import { checkFailureFilters, FAILURE_EVENT, FAILURE_FILTERS, FailureIdParams } from './schemas.ts';

export function registerFailureRoutes(app: FastifyInstance, deps: ApiDeps): void {
  registerListRoute(app, deps, {
    url: '/api/v1/failures',
    operationId: 'listFailures',
    summary: 'List failure events, newest first.',
    description: 'Filters combine with AND.',
    tags: ['failures'],
    item: FailureEvent,
    pageName: 'FailurePage',
    noun: 'events',
    order: 'newest first (by time, then failure_id)',
    filters: FAILURE_FILTERS,
    refine: checkFailureFilters,
    async fetch(filters, { take, after }) {
      const { text, values } = failureListSql({ ...filters, after }, take);
      const { rows } = await deps.database.pool.query<FailureEventRow & { cursor_micros: string }>(text, values);
      return rows.map((row) => ({ item: toEvent(row), position: { atMicros: row.cursor_micros, id: row.failure_id } }));
    },
  });

  app.get(
    '/api/v1/failures/:id',
    {
      config: {
        openapi: {
          operationId: 'getFailure',
          summary: 'One failure event by its failure_id.',
          tags: ['failures'],
          params: FailureIdParams,
          responses: {
            200: { description: 'The event.', body: FAILURE_EVENT },
            400: { description: 'The id is not a failure id (32 lowercase hex characters).', body: ERROR_BODY },
            404: { description: 'No event has this id.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request) => {
      const { id } = parseParameters(FailureIdParams, request.params, 'path');
      const { rows } = await deps.database.pool.query<FailureEventRow>(FAILURE_BY_ID_SQL, [id]);
      if (rows.length === 0) throw new ApiError(404, 'not_found', `No failure event has id ${id}; list events with GET /api/v1/failures.`);
      return toEvent(rows[0]);
    },
  );
}

function toEvent(row: FailureEventRow) {
  try {
    return rowToFailureEvent(row);
  } catch (cause) {
    // Written rows are validated on the way in, so this is a bug or a hand-edited row; say which.
    throw new ApiError(
      500,
      'invalid_stored_event',
      `The stored event ${row.failure_id} is not a valid FailureEvent (${(cause as Error).message}); fix or delete the row.`,
    );
  }
}
