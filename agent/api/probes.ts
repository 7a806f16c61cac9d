// /healthz (the process is up and serving) and /readyz (see readiness.ts), for Kubernetes probes
// and load balancers. Both are open when a bearer token is configured.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from './deps.ts';
import type { NamedSchema } from './openapi.ts';
import { checkReadiness, Readiness } from './readiness.ts';
import { createSampledWarning } from '../core/sampled-warning.ts';

const Liveness = z.strictObject({ status: z.literal('ok') });
const LIVENESS: NamedSchema = { name: 'Liveness', schema: Liveness };
const READINESS: NamedSchema = { name: 'Readiness', schema: Readiness };

/** Served without the bearer token. */
export const PROBE_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

export function registerProbeRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const warn = createSampledWarning(deps.logger);

  app.get(
    '/healthz',
    {
      config: {
        openapi: {
          operationId: 'healthz',
          summary: 'Liveness: 200 while the process is up.',
          tags: ['probes'],
          responses: { 200: { description: 'The process is up.', body: LIVENESS } },
        },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: {
        openapi: {
          operationId: 'readyz',
          summary: 'Readiness: 200 when the pipeline runs and failure events can be stored.',
          description:
            'Ready when the pipeline has started, PostgreSQL answers (or a postgres exporter is buffering while it is down), and every component reporting health is ready. 503 otherwise, with what is not ready.',
          tags: ['probes'],
          responses: {
            200: { description: 'Ready.', body: READINESS },
            503: { description: 'Not ready; `message` and `checks` say what.', body: READINESS },
          },
        },
      },
    },
    async (_request, reply) => {
      const { cause, ...readiness } = await checkReadiness(deps.health, deps.database);
      if (cause !== undefined) warn({ err: cause }, 'Readiness check: PostgreSQL did not answer.');
      return reply.code(readiness.status === 'ready' ? 200 : 503).send(readiness);
    },
  );
}
