// GET /api/v1/failures (filtered, cursor-paginated, newest first) and GET /api/v1/failures/{id}:
// FailureEvents as the pipeline stored them in failure_events.
import type { FastifyInstance } from 'fastify';
import { rowToFailureEvent, type FailureEventRow } from '../../store/failure-event-row.ts';
import { ApiError, ERROR_BODY } from '../api-error.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { ApiDeps } from '../deps.ts';
import { parseParameters } from '../request-parameters.ts';
import { FAILURE_BY_ID_SQL, failureListSql } from './list-query.ts';
import { FAILURE_EVENT, FAILURE_PAGE, FailureIdParams, failureListQuery, type FailurePage } from './schemas.ts';

export function registerFailureRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const listQuery = failureListQuery(deps.pageSizes.max);

  app.get(
    '/api/v1/failures',
    {
      config: {
        openapi: {
          operationId: 'listFailures',
          summary: 'List failure events, newest first.',
          description:
            'Filters combine with AND. Pages are ordered by time then failure_id, both descending; follow next_cursor until it is null. An unknown or malformed parameter is a 400 naming it.',
          tags: ['failures'],
          query: listQuery,
          responses: {
            200: { description: 'One page of events.', body: FAILURE_PAGE },
            400: { description: 'A query parameter is invalid; `error.parameter` names it.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request): Promise<FailurePage> => {
      const q = parseParameters(listQuery, request.query, 'query');
      const limit = q.limit ?? deps.pageSizes.default;
      // The schema has already checked the cursor decodes.
      const after = q.cursor === undefined ? undefined : (decodeCursor(q.cursor) ?? undefined);
      const { text, values } = failureListSql({ ...q, after }, limit);
      const { rows } = await deps.database.pool.query<FailureEventRow & { cursor_micros: string }>(text, values);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        data: page.map(toEvent),
        next_cursor: rows.length > limit && last ? encodeCursor({ atMicros: last.cursor_micros, id: last.failure_id }) : null,
      };
    },
  );

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
