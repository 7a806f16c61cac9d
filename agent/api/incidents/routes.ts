// GET /api/v1/incidents (filtered, cursor-paginated, newest opened first) and
// GET /api/v1/incidents/{id} (the incident, its transitions and member events), as the postgres
// exporter stored them.
import type { FastifyInstance } from 'fastify';
import { Incident } from '../../core/model/incident.ts';
import { getIncident, listIncidents } from '../../store/incident-queries.ts';
import { ApiError, ERROR_BODY } from '../api-error.ts';
import { millisecondPosition, positionTime } from '../cursor.ts';
import type { ApiDeps } from '../deps.ts';
import { registerListRoute } from '../list-route.ts';
import { parseParameters } from '../request-parameters.ts';
import { checkIncidentFilters, INCIDENT_DETAIL, INCIDENT_FILTERS, IncidentIdParams, incidentDetailQuery } from './schemas.ts';

const MAX_MEMBERS = 10_000;

export function registerIncidentRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const detailQuery = incidentDetailQuery(MAX_MEMBERS);

  registerListRoute(app, deps, {
    url: '/api/v1/incidents',
    operationId: 'listIncidents',
    summary: 'List incidents, newest opened first.',
    description: 'Filters combine with AND.',
    tags: ['incidents'],
    item: Incident,
    pageName: 'IncidentPage',
    noun: 'incidents',
    order: 'newest opened first (then by incident_id)',
    filters: INCIDENT_FILTERS,
    refine: checkIncidentFilters,
    async fetch(filters, { take, after }) {
      // Incident times are whole milliseconds, so the cursor's microseconds convert back exactly.
      const position = after ? { openedAt: positionTime(after), incidentId: after.id } : undefined;
      const incidents = await listIncidents(deps.database, { ...filters, take, after: position });
      return incidents.map((item) => ({ item, position: millisecondPosition(item.opened_at, item.incident_id) }));
    },
  });

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
