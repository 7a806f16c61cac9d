// A list route: GET <url>?<filters>&limit&cursor, answering one page `{ data, next_cursor }` in a
// keyset order (newest first, ties broken by id). A route module describes its filters, its item
// schema and how to read rows after a position; the paging parameters, the page schema, the
// cursor and the OpenAPI entry are built here, so every list pages and fails the same way.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ERROR_BODY } from './api-error.ts';
import { cursorParameter, decodeCursor, encodeCursor, type KeysetPosition } from './cursor.ts';
import type { ApiDeps } from './deps.ts';
import type { NamedSchema } from './openapi.ts';
import { pageLimit, parseParameters } from './request-parameters.ts';

/** One row read for a page: the item answered and its place in the list's order. */
export interface Keyed<T> {
  item: T;
  position: KeysetPosition;
}

export interface PageRequest {
  /** Rows to read: one more than the page, so the route can tell whether another page follows. */
  take: number;
  /** Read only rows after this position in the list's order; undefined for the first page. */
  after: KeysetPosition | undefined;
}

export interface ListRouteSpec<F extends z.ZodRawShape, T> {
  /** The fastify path, e.g. /api/v1/failures. */
  url: string;
  operationId: string;
  summary: string;
  /** What the filters mean together; the paging rules are added to it. */
  description: string;
  tags: string[];
  /** One item as answered. */
  item: z.ZodType<T>;
  /** Name of the page schema under components.schemas (e.g. FailurePage). */
  pageName: string;
  /** The items in prose, plural, as in "Events per page" (e.g. "events"). */
  noun: string;
  /** The order, as in "Events, newest first (by time, then failure_id)". */
  order: string;
  /** The filter parameters; every one optional. */
  filters: F;
  /** Rules across filters (e.g. `to` after `from`); an issue's path names the parameter at fault. */
  refine?: (query: Filters<F>, ctx: z.RefinementCtx) => void;
  /** Reads up to `page.take` rows matching the filters, in the list's order, after `page.after`. */
  fetch(query: Filters<F>, page: PageRequest): Promise<Keyed<T>[]>;
}

export type Filters<F extends z.ZodRawShape> = z.output<z.ZodObject<F>>;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** The query schema of a list: its filters plus `limit` and `cursor`. */
function listQuery<F extends z.ZodRawShape>(spec: Pick<ListRouteSpec<F, unknown>, 'filters' | 'refine' | 'noun'>, maxPageSize: number) {
  return z
    .strictObject({
      ...spec.filters,
      limit: pageLimit(maxPageSize)
        .optional()
        .describe(`${capitalized(spec.noun)} per page, 1 to ${maxPageSize}; the server's default page size when omitted.`),
      cursor: cursorParameter().optional(),
    })
    .superRefine((query, ctx) => spec.refine?.(query as Filters<F>, ctx));
}

/** The page schema: `data` in the list's order and the cursor of the next page. */
function pageSchema(spec: Pick<ListRouteSpec<z.ZodRawShape, unknown>, 'item' | 'pageName' | 'noun' | 'order'>): NamedSchema {
  return {
    name: spec.pageName,
    schema: z.strictObject({
      data: z.array(spec.item).describe(`${capitalized(spec.noun)}, ${spec.order}.`),
      next_cursor: z.string().nullable().describe('Pass as `cursor` to get the next page; null on the last page.'),
    }),
  };
}

export function registerListRoute<F extends z.ZodRawShape, T>(app: FastifyInstance, deps: ApiDeps, spec: ListRouteSpec<F, T>): void {
  const query = listQuery(spec, deps.pageSizes.max);
  app.get(
    spec.url,
    {
      config: {
        openapi: {
          operationId: spec.operationId,
          summary: spec.summary,
          description: `${spec.description} Pages are ordered ${spec.order}; follow next_cursor until it is null. An unknown or malformed parameter is a 400 naming it.`,
          tags: spec.tags,
          query,
          responses: {
            200: { description: `One page of ${spec.noun}.`, body: pageSchema(spec) },
            400: { description: 'A query parameter is invalid; `error.parameter` names it.', body: ERROR_BODY },
            503: { description: 'The database is not reachable; retry later.', body: ERROR_BODY },
          },
        },
      },
    },
    async (request): Promise<Page<T>> => {
      // TypeScript cannot see through the spread of a generic shape; the schema above is exactly this.
      const parsed = parseParameters(query, request.query, 'query') as Filters<F> & { limit?: number; cursor?: string };
      const { limit, cursor, ...filters } = parsed;
      const size = limit ?? deps.pageSizes.default;
      // The schema has already checked that the cursor decodes.
      const after = cursor === undefined ? undefined : (decodeCursor(cursor) ?? undefined);
      const rows = await spec.fetch(filters as Filters<F>, { take: size + 1, after });
      const page = rows.slice(0, size);
      const last = page.at(-1);
      return { data: page.map((r) => r.item), next_cursor: rows.length > size && last ? encodeCursor(last.position) : null };
    },
  );
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
