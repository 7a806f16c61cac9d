// `npm run bench api-queries`: latency of the REST API over a failure_events table of realistic
// size (default 100k events over a week, BENCH_API_EVENTS to change), through the real server and
// PostgreSQL: first pages with each kind of filter, a deep cursor walk, and lookups by id. Prints
// figures and the query plan of the paginated scan; it measures, it does not assert.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createApiServer } from '../../agent/api/server.ts';
import { failureListSql } from '../../agent/api/failures/list-query.ts';
import { createHealth } from '../../agent/core/health.ts';
import type { Category } from '../../agent/core/model/taxonomy.ts';
import { createDatabase } from '../../agent/store/database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../agent/store/embedded-postgres.ts';
import { FAILURE_EVENT_COLUMNS, failureEventToParams } from '../../agent/store/failure-event-row.ts';
import { migrate } from '../../agent/store/migrate.ts';
import { failureEvent } from '../support/failure-event-builder.ts';

const EVENTS = Number(process.env.BENCH_API_EVENTS ?? 100_000);
const REQUESTS = Number(process.env.BENCH_API_REQUESTS ?? 100);
const WEEK_MS = 7 * 24 * 3600 * 1000;
const START = Date.UTC(2026, 10, 15);
const CATEGORIES: Category[] = ['provider', 'provider', 'provider', 'quality', 'cost', 'security', 'data'];
const PROVIDERS = ['openai', 'anthropic', 'vertex_ai', 'bedrock', 'azure'];
const logger = pino({ level: 'error' });

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

let embedded: EmbeddedPostgres | null = null;
let dir: string | null = null;
let url = process.env.DATABASE_URL;
if (!url) {
  dir = await mkdtemp(path.join(tmpdir(), 'faultline-bench-pg-'));
  await chmod(dir, 0o755); // when we are root the server runs as `postgres` and must enter this dir
  embedded = await startEmbeddedPostgres({ logger, dataDir: path.join(dir, 'data'), port: 0, fsync: false });
  url = embedded.url;
}
const schema = `bench_api_${process.pid}`;
const database = createDatabase({ url, logger, schema, maxConnections: 10 });
try {
  await migrate({ pool: database.pool, logger, schema });
  const loadStart = performance.now();
  const ROWS_PER_INSERT = 1000;
  for (let i = 0; i < EVENTS; i += ROWS_PER_INSERT) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let n = i; n < Math.min(i + ROWS_PER_INSERT, EVENTS); n++) {
      const category = CATEGORIES[n % CATEGORIES.length];
      const event = failureEvent(n + 1, {
        category,
        // Several events per millisecond in places, as bursts produce.
        timestamp: new Date(START + Math.floor((n * WEEK_MS) / EVENTS)).toISOString(),
        severity: (['P1', 'P2', 'P3', 'P4'] as const)[n % 4],
        provider: PROVIDERS[n % PROVIDERS.length],
        model: `model-${n % 10}`,
        impact_scope: { requests: 1, users: 1, teams: 1, team: `team-${n % 20}`, route: '/v1/chat/completions', recovered: false },
      });
      const params = failureEventToParams(event, 'bench');
      tuples.push(`(${params.map((_, k) => `$${values.length + k + 1}`).join(', ')})`);
      values.push(...params);
    }
    await database.pool.query(`INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
  await database.pool.query('ANALYZE failure_events');
  log(`  loaded ${EVENTS} events in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

  const health = createHealth();
  health.report('pipeline', { ready: true, detail: 'started' });
  const server = createApiServer(
    { endpoint: '127.0.0.1:0', auth: { bearer_token: 'bench-token-0123456789' } },
    { database, health, logger, pageSizes: { default: 100, max: 1000 } },
  );
  const { port } = await server.listen();
  const base = `http://127.0.0.1:${port}`;
  const headers = { authorization: 'Bearer bench-token-0123456789' };
  const get = async (p: string) => {
    const res = await fetch(base + p, { headers });
    const body = (await res.json()) as { data?: { failure_id: string }[]; next_cursor?: string | null };
    if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status} ${JSON.stringify(body)}`);
    return body;
  };

  const measure = async (name: string, paths: () => string) => {
    for (let i = 0; i < 20; i++) await get(paths()); // warm-up
    const times: number[] = [];
    let items = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const t = performance.now();
      const body = await get(paths());
      times.push(performance.now() - t);
      items += body.data?.length ?? 1;
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
    log(
      `  ${name.padEnd(44)} p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  (${(items / REQUESTS).toFixed(0)} items/response, ${REQUESTS} requests)`,
    );
  };

  const hour = (h: number) => new Date(START + h * 3600_000).toISOString();
  let r = 0;
  const next = () => r++;
  log(`  GET /api/v1/failures over ${EVENTS} events, one client, keep-alive:`);
  await measure('first page, limit=100, no filter', () => '/api/v1/failures?limit=100');
  await measure('first page, limit=1000, no filter', () => '/api/v1/failures?limit=1000');
  await measure('category + severity', () => `/api/v1/failures?category=provider&severity=P${(next() % 4) + 1}`);
  await measure('category + subtype (rare: 1 in 7)', () => '/api/v1/failures?category=security&subtype=prompt_injection');
  await measure('provider + model', () => {
    const k = next() % 10;
    return `/api/v1/failures?provider=${PROVIDERS[k % 5]}&model=model-${k}`;
  });
  await measure('team', () => `/api/v1/failures?team=team-${next() % 20}`);
  await measure('one-hour time range', () => {
    const h = next() % 160;
    return `/api/v1/failures?from=${hour(h)}&to=${hour(h + 1)}`;
  });
  const sqlOnly = failureListSql({}, 1000 + 1); // a page of 1000, as the route reads it
  const sqlTimes: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await database.pool.query(sqlOnly.text, sqlOnly.values);
    sqlTimes.push(performance.now() - t);
  }
  sqlTimes.sort((a, b) => a - b);
  log(`  ${'(the SQL alone for limit=1000, through pg)'.padEnd(44)} p50 ${sqlTimes[Math.floor(sqlTimes.length / 2)].toFixed(2)} ms`);
  const { data } = await get('/api/v1/failures?limit=1000');
  await measure('GET /api/v1/failures/{id}', () => `/api/v1/failures/${data![next() % data!.length].failure_id}`);

  // A deep walk: every page fetched with the previous page's cursor.
  const pages: number[] = [];
  let cursor: string | null | undefined = null;
  const walkStart = performance.now();
  let walked = 0;
  do {
    const t = performance.now();
    const body = await get(`/api/v1/failures?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    pages.push(performance.now() - t);
    walked += body.data!.length;
    cursor = body.next_cursor;
  } while (cursor);
  pages.sort((a, b) => a - b);
  log(
    `  ${'cursor walk of the whole table, limit=1000'.padEnd(44)} ${walked} events in ${pages.length} pages, ${((performance.now() - walkStart) / 1000).toFixed(1)} s; page p50 ${pages[Math.floor(pages.length / 2)].toFixed(2)} ms, max ${pages.at(-1)!.toFixed(2)} ms`,
  );

  const deep = failureListSql(
    { after: { atMicros: String((START + WEEK_MS / 2) * 1000), id: 'f'.repeat(32) }, category: 'provider' },
    100 + 1,
  );
  const plan = await database.pool.query(`EXPLAIN ${deep.text}`, deep.values);
  log('  plan of a mid-table page (category=provider, cursor):');
  for (const row of plan.rows) log(`    ${row['QUERY PLAN']}`);
  await server.close();
} finally {
  await database.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
  await database.close();
  await embedded?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}
