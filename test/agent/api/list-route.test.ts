// A list route built from its description alone: filters, an item schema and a fetch over rows in
// memory. Paging, parameter errors and the OpenAPI entry come from registerListRoute, the same for
// every list the API serves.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerListRoute, type Keyed } from '../../../agent/api/list-route.ts';
import { createApiServer, type ApiServer } from '../../../agent/api/server.ts';
import { createHealth } from '../../../agent/core/health.ts';
import { createDatabase, type Database } from '../../../agent/store/database.ts';

const Widget = z.strictObject({ id: z.string(), color: z.enum(['red', 'blue']), made_at: z.string() });
type Widget = z.infer<typeof Widget>;

// Nine widgets over five instants, so pages break ties on id; six red, three blue.
const WIDGETS: Widget[] = Array.from({ length: 9 }, (_, i) => ({
  id: `w${i}`,
  color: i % 3 === 2 ? 'blue' : 'red',
  made_at: new Date(Date.UTC(2026, 0, 5, 9, 0, Math.floor(i / 2))).toISOString(),
}));
const micros = (w: Widget) => (BigInt(Date.parse(w.made_at)) * 1000n).toString();
const newestFirst = (a: Widget, b: Widget) => b.made_at.localeCompare(a.made_at) || b.id.localeCompare(a.id);

const servers: ApiServer[] = [];
const databases: Database[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(databases.splice(0).map((d) => d.close()));
});

async function startWidgetApi(): Promise<(path: string) => Promise<{ status: number; body: any }>> {
  const logger = pino({ level: 'silent' });
  // The route reads the rows above; this pool is never used, so nothing listens behind it.
  const database = createDatabase({ url: 'postgres://faultline@127.0.0.1:9/none', logger });
  databases.push(database);
  const server = createApiServer(
    { endpoint: '127.0.0.1:0', auth: { bearer_token: '' } },
    { database, health: createHealth(), logger, pageSizes: { default: 4, max: 5 } },
    [
      (app, deps) =>
        registerListRoute(app, deps, {
          url: '/api/v1/widgets',
          operationId: 'listWidgets',
          summary: 'List widgets, newest first.',
          description: 'Filters combine with AND.',
          tags: ['widgets'],
          item: Widget,
          pageName: 'WidgetPage',
          noun: 'widgets',
          order: 'newest first (by time, then id)',
          filters: {
            color: z.enum(['red', 'blue']).optional().describe('Only this color.'),
            before: z.string().optional().describe('Only widgets made before this time.'),
          },
          refine(q, ctx) {
            if (q.before !== undefined && Number.isNaN(Date.parse(q.before)))
              ctx.addIssue({ code: 'custom', path: ['before'], message: `expected a time, got "${q.before}"` });
          },
          async fetch(filters, { take, after }): Promise<Keyed<Widget>[]> {
            return WIDGETS.filter((w) => filters.color === undefined || w.color === filters.color)
              .filter((w) => filters.before === undefined || w.made_at < new Date(filters.before).toISOString())
              .sort(newestFirst)
              .filter((w) => {
                if (!after) return true;
                const t = BigInt(micros(w));
                const at = BigInt(after.atMicros);
                return t < at || (t === at && w.id < after.id);
              })
              .slice(0, take)
              .map((item) => ({ item, position: { atMicros: micros(item), id: item.id } }));
          },
        }),
    ],
  );
  servers.push(server);
  const { port } = await server.listen();
  return async (path) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.json() };
  };
}

async function walk(get: (path: string) => Promise<{ status: number; body: any }>, query: string) {
  const ids: string[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/api/v1/widgets?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((w: Widget) => w.id));
    pages.push(res.body.data.length);
    cursor = res.body.next_cursor;
  } while (cursor !== null && pages.length < 10);
  return { ids, pages };
}

describe('a list route from registerListRoute', () => {
  it('walks every row once, in the list order, across ties on time', async () => {
    const get = await startWidgetApi();
    const { ids, pages } = await walk(get, 'limit=2');
    expect(pages).toEqual([2, 2, 2, 2, 1]);
    expect(ids).toEqual([...WIDGETS].sort(newestFirst).map((w) => w.id));
  });

  it('uses the server default page size without a limit', async () => {
    const get = await startWidgetApi();
    const { pages } = await walk(get, '');
    expect(pages).toEqual([4, 4, 1]);
  });

  it('gives next_cursor null on a last page that is exactly full', async () => {
    const get = await startWidgetApi();
    const { ids, pages } = await walk(get, 'color=red&limit=3');
    expect(pages).toEqual([3, 3]);
    expect(ids).toEqual(
      WIDGETS.filter((w) => w.color === 'red')
        .sort(newestFirst)
        .map((w) => w.id),
    );
  });

  it('answers 400 naming the parameter for a bad limit, cursor, filter or unknown parameter', async () => {
    const get = await startWidgetApi();
    const cases: [string, string, RegExp][] = [
      ['limit=0', 'limit', /from 1 to 5/],
      ['limit=6', 'limit', /at most 5/],
      ['cursor=not-ours', 'cursor', /pass next_cursor from the previous page unchanged/],
      ['color=green', 'color', /red|blue/],
      ['before=yesterday', 'before', /expected a time, got "yesterday"/],
      ['colour=red', 'colour', /this endpoint accepts: color, before, limit, cursor/],
    ];
    for (const [query, parameter, message] of cases) {
      const res = await get(`/api/v1/widgets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('invalid_parameter');
      expect(res.body.error.parameter, query).toBe(parameter);
      expect(res.body.error.message, query).toMatch(message);
    }
  });

  it('is documented in the OpenAPI document with its filters, paging parameters and page schema', async () => {
    const get = await startWidgetApi();
    const { status, body } = await get('/api/v1/openapi.json');
    expect(status).toBe(200);
    const operation = body.paths['/api/v1/widgets'].get;
    expect(operation.operationId).toBe('listWidgets');
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(['color', 'before', 'limit', 'cursor']);
    expect(operation.parameters.every((p: { in: string; required: boolean }) => p.in === 'query' && !p.required)).toBe(true);
    expect(operation.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/WidgetPage' });
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '503']);
    const page = body.components.schemas.WidgetPage;
    expect(page.properties.data.items.properties.color.enum).toEqual(['red', 'blue']);
    expect(page.required).toEqual(['data', 'next_cursor']);
  });
});
