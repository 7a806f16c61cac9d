import { describe, expect, it } from 'vitest';
import { createDatabase } from '../../../agent/store/database.ts';
import { allocateClosedPort } from './closed-port.ts';
import { quietLogger, withTestSchema } from '../../support/database.ts';
import { startApi } from './api-under-test.ts';

const db = withTestSchema();

async function unreachableDatabase() {
  const port = await allocateClosedPort();
  return createDatabase({ url: `postgres://faultline:secret@127.0.0.1:${port}/faultline`, logger: quietLogger(), connectTimeoutMs: 500 });
}

describe('/healthz', () => {
  it('answers 200 while the process is up, before the pipeline has started', async () => {
    const api = await startApi(db.database);
    const res = await api.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('/readyz', () => {
  it('answers 503 naming the pipeline until it has started', async () => {
    const api = await startApi(db.database);
    const res = await api.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'not_ready',
      message: 'not ready: pipeline (not started)',
      checks: { pipeline: { ready: false, detail: 'not started' }, database: { ready: true, detail: 'reachable' } },
    });
  });

  it('answers 200 when the pipeline has started and the database answers', async () => {
    const api = await startApi(db.database);
    api.health.report('pipeline', { ready: true, detail: 'started' });
    const res = await api.get('/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', message: 'ready' });
  });

  it('answers 503 naming the database when PostgreSQL is unreachable and nothing buffers, without its address', async () => {
    const down = await unreachableDatabase();
    try {
      const api = await startApi(down);
      api.health.report('pipeline', { ready: true, detail: 'started' });
      const res = await api.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.message).toBe('not ready: database (not reachable)');
      expect(JSON.stringify(res.body)).not.toContain('127.0.0.1');
    } finally {
      await down.close();
    }
  });

  it('answers 200 when PostgreSQL is unreachable but the postgres exporter reports it is buffering', async () => {
    const down = await unreachableDatabase();
    try {
      const api = await startApi(down);
      api.health.report('pipeline', { ready: true, detail: 'started' });
      api.health.report('postgres', { ready: true, detail: 'buffering to ./data/spill.db' });
      const res = await api.get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body.checks.database).toEqual({
        ready: true,
        detail: 'not reachable; postgres is buffering (buffering to ./data/spill.db)',
      });
    } finally {
      await down.close();
    }
  });

  it('answers 503 when PostgreSQL is unreachable and the postgres exporter cannot buffer either', async () => {
    const down = await unreachableDatabase();
    try {
      const api = await startApi(down);
      api.health.report('pipeline', { ready: true, detail: 'started' });
      api.health.report('postgres/main', { ready: false, detail: 'spill buffer full' });
      const res = await api.get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body.message).toBe(
        'not ready: database (not reachable and no postgres exporter is buffering), postgres/main (spill buffer full)',
      );
    } finally {
      await down.close();
    }
  });

  it('answers 503 when another component reports it is not ready', async () => {
    const api = await startApi(db.database);
    api.health.report('pipeline', { ready: true, detail: 'started' });
    api.health.report('alertmanager', { ready: false, detail: 'queue full' });
    const res = await api.get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body.message).toBe('not ready: alertmanager (queue full)');
  });

  it('answers 503 once the pipeline is shutting down', async () => {
    const api = await startApi(db.database);
    api.health.report('pipeline', { ready: false, detail: 'shutting down' });
    expect((await api.get('/readyz')).body.message).toBe('not ready: pipeline (shutting down)');
  });
});

describe('a failing database during a request', () => {
  it('answers 503 database_unavailable with Retry-After', async () => {
    const down = await unreachableDatabase();
    try {
      const api = await startApi(down);
      const res = await api.get('/api/v1/failures');
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.body).toEqual({
        error: { code: 'database_unavailable', message: 'The database is not reachable right now; retry in a few seconds.' },
      });
    } finally {
      await down.close();
    }
  });
});
