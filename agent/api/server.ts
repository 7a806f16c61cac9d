// The REST API server (fastify): the route modules below, the OpenAPI document built from their
// zod schemas, optional bearer auth on everything but the probes, and one error body shape.
// fastify's own logger is off; lifecycle and failures go through our pino logger, without
// headers or query values (they can carry tokens and PII).
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HTTP_TIMEOUT_DEFAULTS, httpServerTimeouts, type HttpTimeouts } from '../../config/http-timeouts.ts';
import type { ApiConfig } from '../../config/schema.ts';
import { version } from '../version.ts';
import { ApiError, errorBody } from './api-error.ts';
import { bearerChallenge, createBearerCheck } from './bearer-auth.ts';
import { isDatabaseUnavailable } from '../store/database-unavailable.ts';
import type { ApiDeps } from './deps.ts';
import { registerCorrelationRoutes } from './correlations/routes.ts';
import { registerBaselineRoutes } from './baselines/routes.ts';
import { registerFailureRoutes } from './failures/routes.ts';
import { registerIncidentRoutes } from './incidents/routes.ts';
import { registerImpactRoutes } from './impacts/routes.ts';
import { registerPredictionRoutes } from './predictions/routes.ts';
import { formatAddress, type BoundAddress } from '../core/endpoint.ts';
import { listenAddress } from './listen-address.ts';
import { buildOpenApiDocument, documentedRoute, type DocumentedRoute } from './openapi.ts';
import { PROBE_PATHS, registerProbeRoutes } from './probes.ts';

/** A route module registers its routes, each with `config.openapi` (deps.ts). */
export type RouteModule = (app: FastifyInstance, deps: ApiDeps) => void;

/** Every route module. A list route is one registerListRoute call in its module (list-route.ts). */
const ROUTE_MODULES: readonly RouteModule[] = [
  registerProbeRoutes,
  registerFailureRoutes,
  registerCorrelationRoutes,
  registerIncidentRoutes,
  registerBaselineRoutes,
  registerImpactRoutes,
  registerPredictionRoutes,
];

const OpenApiDocument = z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document.');

const API_PREFIX = '/api/v1/';
const OPENAPI_PATH = '/api/v1/openapi.json';

export interface ApiServer {
  /** Starts listening; rejects with a message naming the endpoint when it cannot. */
  listen(): Promise<BoundAddress>;
  /** Stops accepting and waits for in-flight requests. Safe twice and without listen. */
  close(): Promise<void>;
}

/** Timeouts default as in agent.yaml when a caller (a test) leaves them out. */
export type ApiServerConfig = Pick<ApiConfig, 'endpoint' | 'auth'> & Partial<HttpTimeouts>;

/** `modules` replaces the agent's route modules (tests serve a route of their own); the OpenAPI document is always served. */
export function createApiServer(config: ApiServerConfig, deps: ApiDeps, modules: readonly RouteModule[] = ROUTE_MODULES): ApiServer {
  const { logger } = deps;
  // Slow or endless headers and bodies (slowloris) are cut by the same timeouts as the OTLP port.
  const timeouts = httpServerTimeouts({ ...HTTP_TIMEOUT_DEFAULTS, ...config });
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    http: timeouts,
    // fastify sets these on the server itself after creating it, so they must be given here too.
    requestTimeout: timeouts.requestTimeout,
    keepAliveTimeout: timeouts.keepAliveTimeout,
  });
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(...documentedRoute(route));
  });

  const token = config.auth.bearer_token;
  if (token !== '') {
    const check = createBearerCheck(token);
    app.addHook('onRequest', async (request, reply) => {
      // Everything but the probes needs the token, unknown paths included (no route probing).
      if (request.routeOptions.url !== undefined && PROBE_PATHS.has(request.routeOptions.url)) return;
      const outcome = check(request.headers.authorization);
      if (outcome === 'ok') return;
      reply.header('WWW-Authenticate', bearerChallenge(outcome));
      return reply
        .code(401)
        .send(
          errorBody(
            'unauthorized',
            outcome === 'missing'
              ? 'This API needs a bearer token: send "Authorization: Bearer <token>".'
              : 'The bearer token is not valid.',
          ),
        );
    });
  }

  // Debug only, and only the route template: paths can hold ids and query strings team names.
  app.addHook('onResponse', async (request, reply) => {
    if (!logger.isLevelEnabled('debug')) return;
    logger.debug(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unknown',
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime),
      },
      'API request.',
    );
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.options.headers ?? {})) reply.header(k, v);
      if (err.status >= 500) logger.error({ method: request.method, route, code: err.reason, err }, 'API request failed.');
      return reply.code(err.status).send(errorBody(err.reason, err.message, err.options.parameter));
    }
    if (isDatabaseUnavailable(err)) {
      logger.warn({ method: request.method, route, err }, 'API request failed: PostgreSQL is not reachable.');
      reply.header('Retry-After', '5');
      return reply.code(503).send(errorBody('database_unavailable', 'The database is not reachable right now; retry in a few seconds.'));
    }
    if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      // fastify's own rejections (bad URL encoding, body too large, ...): its message is safe to return.
      return reply.code(err.statusCode).send(errorBody('bad_request', err.message));
    }
    logger.error({ method: request.method, route, err }, 'API request failed.');
    return reply.code(500).send(errorBody('internal_error', 'The request failed inside the agent; the agent log has the details.'));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0];
    return reply.code(404).send(errorBody('not_found', `No route ${request.method} ${path}; the routes are listed at ${OPENAPI_PATH}.`));
  });

  let document: Record<string, unknown> | undefined;
  app.get(
    OPENAPI_PATH,
    {
      config: {
        openapi: {
          operationId: 'openapi',
          summary: 'This OpenAPI 3.1 document.',
          tags: ['meta'],
          responses: { 200: { description: 'The document.', body: { name: 'OpenApiDocument', schema: OpenApiDocument } } },
        },
      },
    },
    async () => {
      document ??= buildOpenApiDocument(routes, { version: version(), auth: token !== '', protectedPrefix: API_PREFIX });
      return document;
    },
  );
  for (const register of modules) register(app, deps);

  let listening: Promise<BoundAddress> | undefined;
  let closing: Promise<void> | undefined;
  return {
    listen() {
      listening ??= listenAddress(app, config.endpoint).then((address) => {
        logger.info({ address: formatAddress(address), auth: token !== '' }, 'API listening.');
        return address;
      });
      return listening;
    },
    close() {
      closing ??= app.close().then(() => logger.info('API stopped.'));
      return closing;
    },
  };
}
