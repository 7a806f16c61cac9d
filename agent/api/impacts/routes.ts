// GET /api/v1/failures/{id}/impact and /api/v1/incidents/{id}/impact (one subject's latest impact),
// GET /api/v1/impacts (incidents and clusters ranked by impact_score, in the list envelope and
// cursor of /api/v1/failures) and GET /api/v1/slos (each SLO's latest evaluation), as the postgres
// exporter stored them.
import type { FastifyInstance } from 'fastify';
import { FailureImpact } from '../../core/model/impact.ts';
import { selectImpact, listRankedImpacts } from '../../store/impact-queries.ts';
import { listSloStatus } from '../../store/slo-queries.ts';
import { ApiError, ERROR_BODY } from '../api-error.ts';
import type { ApiDeps } from '../deps.ts';
import { FailureIdParams } from '../failures/schemas.ts';
import { IncidentIdParams } from '../incidents/schemas.ts';
import { registerListRoute } from '../list-route.ts';
import { parseParameters } from '../request-parameters.ts';
import { IMPACT, IMPACT_FILTERS, SLO_LIST, type SloSummary } from './schemas.ts';

const SUBJECTS = [
  { type: 'failure', params: FailureIdParams, list: 'GET /api/v1/failures' },
  { type: 'incident', params: IncidentIdParams, list: 'GET /api/v1/incidents' },
] as const;

export function registerImpactRoutes(app: FastifyInstance, deps: ApiDeps): void {
  for (const subject of SUBJECTS) {
    const plural = subject.type === 'failure' ? 'failures' : 'incidents';
    app.get(
      `/api/v1/${plural}/:id/impact`,
      {
        config: {
          openapi: {
            operationId: subject.type === 'failure' ? 'getFailureImpact' : 'getIncidentImpact',
            summary: `What one ${subject.type} cost: users, money, quality and error budget, with its impact_score.`,
            tags: ['impact'],
            params: subject.params,
            responses: {
              200: { description: `The latest impact of the ${subject.type}.`, body: IMPACT },
              400: { description: 'The id is invalid; `error.parameter` names it.', body: ERROR_BODY },
              404: { description: `No impact is stored for this ${subject.type} (unknown id, or not assessed yet).`, body: ERROR_BODY },
              503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
            },
          },
        },
      },
      async (request) => {
        const { id } = parseParameters(subject.params, request.params, 'path');
        const impact = await selectImpact(deps.database, subject.type, id);
        if (!impact) {
          throw new ApiError(
            404,
            'not_found',
            `No impact is stored for ${subject.type} ${id}: the id is unknown or the impact processor has not assessed it yet (is it in the pipeline?); list them with ${subject.list}.`,
          );
        }
        return impact;
      },
    );
  }

  registerListRoute(app, deps, {
    url: '/api/v1/impacts',
    operationId: 'listImpacts',
    summary: 'Incidents and correlation clusters ranked by impact_score.',
    description: 'Filters combine with AND.',
    tags: ['impact'],
    item: FailureImpact,
    pageName: 'ImpactPage',
    noun: 'impacts',
    order: 'highest impact_score first (then by impact_id)',
    filters: IMPACT_FILTERS,
    async fetch(filters, { take, after }) {
      // The cursor's number is the score in thousandths (score_milli), exact.
      const rows = await listRankedImpacts(deps.database, {
        subjectType: filters.subject,
        state: filters.state,
        category: filters.category,
        since: filters.since,
        after: after ? { scoreMilli: after.atMicros, impactId: after.id } : undefined,
        take,
      });
      return rows.map((r) => ({ item: r.impact, position: { atMicros: r.scoreMilli, id: r.impact.impact_id } }));
    },
  });

  app.get(
    '/api/v1/slos',
    {
      config: {
        openapi: {
          operationId: 'listSlos',
          summary: "Each SLO's SLI, objective, error budget remaining and burn rates, from its latest evaluation.",
          tags: ['impact'],
          responses: {
            200: { description: 'Every SLO an agent has evaluated, by name.', body: SLO_LIST },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async () => {
      const rows = await listSloStatus(deps.database);
      const data: SloSummary[] = rows.map((r) => ({
        slo: r.slo,
        service: r.service,
        sli: r.sli,
        category: r.category,
        objective: r.objective,
        window_days: r.window_days,
        agent_instance: r.agent_instance,
        budget_remaining: r.status.budget_remaining,
        burn_rates: Object.fromEntries(r.status.windows.map((w) => [w.window, w.burn_rate])),
        status: r.status,
      }));
      return { data };
    },
  );
}
