import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../../agent/api/cursor.ts';
import { FAILURE_EVENT_COLUMNS, failureEventToParams } from '../../../agent/store/failure-event-row.ts';
import { withTestSchema } from '../../support/database.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { insertEvents, startApi } from './api-under-test.ts';

const db = withTestSchema();
const stored = failureEvent(1);

beforeAll(async () => {
  await insertEvents(db.database, [stored]);
});

async function rejected(query: string) {
  const api = await startApi(db.database, { pageSizes: { default: 50, max: 500 } });
  const res = await api.get(`/api/v1/failures?${query}`);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: { code: 'invalid_parameter', message: expect.any(String), parameter: expect.any(String) } });
  const { message, parameter } = res.body.error as { message: string; parameter: string };
  return { message, parameter };
}

describe('bad query parameters on /api/v1/failures', () => {
  it('names `from` when it is not an RFC 3339 timestamp', async () => {
    expect(await rejected('from=yesterday')).toEqual({
      parameter: 'from',
      message:
        'from: expected an RFC 3339 timestamp with a zone, e.g. 2026-11-22T08:00:00Z (in a URL, write a + offset as %2B), got "yesterday"',
    });
  });

  it('names `to` when it has no time zone', async () => {
    expect((await rejected('to=2026-11-22T08:00:00')).parameter).toBe('to');
  });

  it('names `to` when the range is empty', async () => {
    const e = await rejected('from=2026-11-22T08:00:00Z&to=2026-11-22T07:00:00Z');
    expect(e.parameter).toBe('to');
    expect(e.message).toContain('expected a time after from');
  });

  it('names `category` when it is not one of the five', async () => {
    const e = await rejected('category=network');
    expect(e.parameter).toBe('category');
    expect(e.message).toContain('expected one of "security", "provider", "cost", "quality", "data", got "network"');
  });

  it('names `subtype` when it is not in the taxonomy', async () => {
    const e = await rejected('subtype=gremlins');
    expect(e.parameter).toBe('subtype');
    expect(e.message).toContain('got "gremlins"');
  });

  it('names `subtype` when it belongs to another category', async () => {
    const e = await rejected('category=cost&subtype=rate_limited');
    expect(e).toEqual({
      parameter: 'subtype',
      message:
        'subtype: expected a subtype of cost (budget_exceeded, token_spike, spend_spike, cache_miss_storm, batch_cost_overrun, retry_storm, agent_loop), got "rate_limited"',
    });
  });

  it('names `severity` when it is not P1–P4', async () => {
    expect((await rejected('severity=critical')).parameter).toBe('severity');
  });

  it('names `limit` when it is over the configured maximum', async () => {
    expect(await rejected('limit=501')).toEqual({
      parameter: 'limit',
      message: 'limit: expected at most 500 (the largest page this API serves), got "501"',
    });
  });

  it('names `limit` when it is zero, negative or not a whole number', async () => {
    for (const bad of ['0', '-1', '2.5', '1e2', 'ten', '']) expect((await rejected(`limit=${bad}`)).parameter).toBe('limit');
  });

  it('names `cursor` when it was not issued by the API', async () => {
    const forged = Buffer.from(JSON.stringify({ v: 1, t: 'now', id: 'x' })).toString('base64url');
    for (const bad of ['garbage!', 'bm90IGpzb24', forged]) {
      const e = await rejected(`cursor=${bad}`);
      expect(e.parameter).toBe('cursor');
      expect(e.message).toContain('pass next_cursor from the previous page unchanged');
    }
  });

  it('names an unknown parameter and lists the accepted ones', async () => {
    const e = await rejected('serverity=P1');
    expect(e.parameter).toBe('serverity');
    expect(e.message).toContain(
      'unknown query parameter; this endpoint accepts: from, to, category, subtype, severity, provider, model, team, limit, cursor',
    );
  });

  it('names a parameter given twice', async () => {
    expect(await rejected('category=cost&category=data')).toEqual({
      parameter: 'category',
      message: 'category: given more than once; give it once',
    });
  });

  it('matches a filter holding NUL against the stored text, where such characters were replaced by U+FFFD', async () => {
    const api = await startApi(db.database);
    for (const name of ['provider', 'model', 'team']) {
      const res = await api.get(`/api/v1/failures?${name}=a%00b`);
      expect(res.status, name).toBe(200);
      expect(res.body).toEqual({ data: [], next_cursor: null });
    }
  });

  it('pages on from a cursor whose id holds NUL or a lone surrogate instead of failing in PostgreSQL', async () => {
    const api = await startApi(db.database);
    const cursor = encodeCursor({ atMicros: String(Date.parse(stored.timestamp) * 1000), id: 'x\u0000\ud800' });
    const res = await api.get(`/api/v1/failures?cursor=${cursor}`);
    expect(res.status).toBe(200);
    // Same time, and its id sorts before "x\ufffd\ufffd": the stored event is next.
    expect(res.body.data.map((e: { failure_id: string }) => e.failure_id)).toEqual([stored.failure_id]);
  });

  it('accepts a cursor from a previous page even when nothing is after it', async () => {
    const api = await startApi(db.database);
    const cursor = encodeCursor({ atMicros: String(Date.parse(stored.timestamp) * 1000), id: stored.failure_id });
    const res = await api.get(`/api/v1/failures?cursor=${cursor}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], next_cursor: null });
  });
});

describe('GET /api/v1/failures/{id}', () => {
  it('returns the stored event', async () => {
    const api = await startApi(db.database);
    const res = await api.get(`/api/v1/failures/${stored.failure_id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(stored);
  });

  it('answers 404 with a clear body when no event has the id', async () => {
    const api = await startApi(db.database);
    const id = 'f'.repeat(32);
    const res = await api.get(`/api/v1/failures/${id}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: `No failure event has id ${id}; list events with GET /api/v1/failures.` },
    });
  });

  it('answers 400 naming `id` when it is not a failure id', async () => {
    const api = await startApi(db.database);
    for (const bad of ['123', 'F'.repeat(32), `${'a'.repeat(31)}'`]) {
      const res = await api.get(`/api/v1/failures/${encodeURIComponent(bad)}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_parameter', parameter: 'id' });
      expect(res.body.error.message).toContain('expected a failure id: 32 lowercase hex characters');
    }
  });

  it('answers 404 in the same body shape for a path that is no route', async () => {
    const api = await startApi(db.database);
    const res = await api.get('/api/v1/nothing-here?team=secret');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: 'No route GET /api/v1/nothing-here; the routes are listed at /api/v1/openapi.json.' },
    });
  });
});

describe('a stored row that is not a valid FailureEvent', () => {
  it('answers 500 naming the row and what is wrong with it, rather than sending it on', async () => {
    const broken = failureEvent(9);
    const params = failureEventToParams(broken, 'hand-edited');
    params[FAILURE_EVENT_COLUMNS.indexOf('details')] = JSON.stringify({ http_status: 'teapot', retry_after_sec: null, error_class: null });
    await db.pool.query(
      `INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) VALUES (${FAILURE_EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
      params,
    );
    const api = await startApi(db.database);
    const res = await api.get(`/api/v1/failures/${broken.failure_id}`);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('invalid_stored_event');
    expect(res.body.error.message).toContain(`The stored event ${broken.failure_id} is not a valid FailureEvent`);
    expect(res.body.error.message).toContain('http_status');
    await db.pool.query('DELETE FROM failure_events WHERE failure_id = $1', [broken.failure_id]);
  });
});
