// What the API's route modules get. A route module exports
//   registerXRoutes(app: FastifyInstance, deps: ApiDeps): void
// and is added to ROUTE_MODULES in server.ts; every route it registers carries `config.openapi`
// (a RouteDoc, see openapi.ts), so the OpenAPI document lists it.
import type { Logger } from 'pino';
import type { Health } from '../core/health.ts';
import type { Database } from '../store/database.ts';

export interface PageSizes {
  /** Items per page when a request gives no `limit`. */
  default: number;
  /** Largest `limit` accepted; more is a 400. */
  max: number;
}

export interface ApiDeps {
  /** The agent's PostgreSQL (the API only reads it). */
  database: Database;
  /** Component readiness, read by /readyz. */
  health: Health;
  /** The API's logger (component "api"). Never give it query values, headers or bodies. */
  logger: Logger;
  pageSizes: PageSizes;
}
