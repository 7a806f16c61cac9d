// The OpenAPI 3.1 document, built from the zod schemas the routes parse and answer with. Every
// route carries its RouteDoc in `config.openapi`; the server refuses a route without one, so the
// document lists every route there is.
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { ERROR_BODY } from './api-error.ts';

export interface NamedSchema {
  /** Name under components.schemas. */
  name: string;
  schema: z.ZodType;
}

export interface ResponseDoc {
  description: string;
  body?: NamedSchema;
}

export interface RouteDoc {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Path parameters (`:id` in the route, `{id}` in the document). */
  params?: z.ZodObject;
  query?: z.ZodObject;
  responses: Record<number, ResponseDoc>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDoc;
  }
}

export interface DocumentedRoute {
  method: string;
  /** The fastify path, e.g. /api/v1/failures/:id. */
  url: string;
  doc: RouteDoc;
}

/** Reads the route's RouteDoc; throws (a programming error, found by any test) when it has none. */
export function documentedRoute(route: RouteOptions): DocumentedRoute[] {
  const doc = (route.config as { openapi?: RouteDoc } | undefined)?.openapi;
  const methods = [route.method].flat();
  if (!doc)
    throw new Error(
      `BUG: route ${methods.join(',')} ${route.url} has no config.openapi; describe it with a RouteDoc (agent/api/openapi.ts).`,
    );
  return methods.map((method) => ({ method, url: route.url, doc }));
}

export interface DocumentOptions {
  version: string;
  /** Whether /api/v1/* requires a bearer token. */
  auth: boolean;
  /** Routes under this prefix need the token when auth is on. */
  protectedPrefix: string;
}

export function buildOpenApiDocument(routes: DocumentedRoute[], options: DocumentOptions): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  const named = new Map<string, z.ZodType>();
  const bodies = [ERROR_BODY, ...routes.flatMap((r) => Object.values(r.doc.responses).flatMap((res) => (res.body ? [res.body] : [])))];
  for (const { name, schema } of bodies) {
    const seen = named.get(name);
    if (seen && seen !== schema) throw new Error(`BUG: two different schemas are named "${name}" in the API document.`);
    if (!seen) {
      named.set(name, schema);
      registry.add(schema, { id: name });
    }
  }
  const generated = z.toJSONSchema(registry, { io: 'output', uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  const schemas = Object.fromEntries(Object.entries(generated.schemas).map(([id, s]) => [id, withoutRootKeys(s)]));

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const isProtected = options.auth && r.url.startsWith(options.protectedPrefix);
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.doc.responses)) {
      responses[status] = {
        description: res.description,
        ...(res.body ? { content: { 'application/json': { schema: { $ref: `#/components/schemas/${res.body.name}` } } } } : {}),
      };
    }
    if (isProtected) {
      responses['401'] = {
        description: 'Missing or wrong bearer token.',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      operationId: r.doc.operationId,
      summary: r.doc.summary,
      ...(r.doc.description ? { description: r.doc.description } : {}),
      tags: r.doc.tags,
      parameters: [...parametersOf(r.doc.params, 'path'), ...parametersOf(r.doc.query, 'query')],
      responses,
      security: isProtected ? [{ bearerAuth: [] }] : [],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'faultline API',
      version: options.version,
      description: 'Failure events the faultline agent detected, read from its PostgreSQL store.',
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token set in agent.yaml under api.auth.bearer_token.' },
      },
    },
  };
}

function parametersOf(schema: z.ZodObject | undefined, location: 'path' | 'query'): Record<string, unknown>[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const json = withoutRootKeys(z.toJSONSchema(field as z.ZodType, { io: 'output' }) as Record<string, unknown>);
    const { description, ...rest } = json;
    return {
      name,
      in: location,
      required: location === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function withoutRootKeys(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}
