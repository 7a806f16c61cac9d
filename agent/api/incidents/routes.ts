// GET /api/v1/incidents (filtered, cursor-paginated, newest opened first) and
// GET /api/v1/incidents/{id} (the incident, its transitions and member events), as the postgres
// exporter stored them.
import type { FastifyInstance } from 'fastify';
import { getIncident, listIncidents } from '../../store/incident-queries.ts';
import { ApiError, ERROR_BODY } from '../api-error.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import type { ApiDeps } from '../deps.ts';
import { parseParameters } from '../request-parameters.ts';
import { INCIDENT_DETAIL, INCIDENT_PAGE, IncidentIdParams, incidentDetailQuery, incidentListQuery, type IncidentPage } from './schemas.ts';

const MAX_MEMBERS = 10_000;

export function registerIncidentRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const listQuery = incidentListQuery(deps.pageSizes.max);
  const detailQuery = incidentDetailQuery(MAX_MEMBERS);

  app.get(
    '/api/v1/incidents',
    {
      config: {
        openapi: {
          operationId: 'listIncidents',
          summary: 'List incidents, newest opened first.',
          description:
            'Filters combine with AND. Follow next_cursor until it is null. An unknown or malformed parameter is a 400 naming it.',
          tags: ['incidents'],
          query: listQuery,
          responses: {
            200: { description: 'One page of incidents.', body: INCIDENT_PAGE },
            400: { description: 'A query parameter is invalid; `error.parameter` names it.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request): Promise<IncidentPage> => {
      const q = parseParameters(listQuery, request.query, 'query');
      const limit = q.limit ?? deps.pageSizes.default;
      // The schema has already checked the cursor decodes. Incident times are whole milliseconds,
      // so the cursor's microseconds convert back exactly.
      const position = q.cursor === undefined ? null : decodeCursor(q.cursor);
      const after = position
        ? { openedAt: new Date(Number(BigInt(position.atMicros) / 1000n)).toISOString(), incidentId: position.id }
        : undefined;
      const page = await listIncidents(deps.database, {
        state: q.state,
        category: q.category,
        severity: q.severity,
        since: q.since,
        until: q.until,
        limit,
        after,
      });
      return {
        data: page.incidents,
        next_cursor: page.next
          ? encodeCursor({ atMicros: (BigInt(Date.parse(page.next.openedAt)) * 1000n).toString(), id: page.next.incidentId })
          : null,
      };
    },
  );

  app.get(
    '/api/v1/incidents/:id',
    {
      config: {
        openapi: {
          operationId: 'getIncident',
          summary: 'One incident with its transitions and member events.',
          tags: ['incidents'],
          params: IncidentIdParams,
          query: detailQuery,
          responses: {
            200: { description: 'The incident.', body: INCIDENT_DETAIL },
            400: { description: 'The id or member_limit is invalid; `error.parameter` names it.', body: ERROR_BODY },
            404: { description: 'No incident has this id.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request) => {
      const { id } = parseParameters(IncidentIdParams, request.params, 'path');
      const q = parseParameters(detailQuery, request.query, 'query');
      const detail = await getIncident(deps.database, id, q.member_limit ?? MAX_MEMBERS);
      if (!detail) throw new ApiError(404, 'not_found', `No incident has id ${id}; list incidents with GET /api/v1/incidents.`);
      return detail;
    },
  );
}
