import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { withTestSchema } from '../../support/database.ts';
import { startApi } from './api-under-test.ts';

const db = withTestSchema();
const TOKEN = 'tok_5b1e0c9a7d2f4e8b';

describe('bearer-token auth', () => {
  it('answers 401 with a Bearer challenge when the token is missing', async () => {
    const api = await startApi(db.database, { token: TOKEN });
    const res = await api.get('/api/v1/failures');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="faultline"');
    expect(res.body).toEqual({
      error: { code: 'unauthorized', message: 'This API needs a bearer token: send "Authorization: Bearer <token>".' },
    });
  });

  it('answers 401 invalid_token for a wrong token, one of another length, or another scheme', async () => {
    const api = await startApi(db.database, { token: TOKEN });
    for (const authorization of [`Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}0`, 'Bearer x', `Basic ${TOKEN}`, TOKEN]) {
      const res = await api.get('/api/v1/failures', { authorization });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="faultline", error="invalid_token"');
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('serves the request with the right token, whatever the case of the scheme', async () => {
    const api = await startApi(db.database, { token: TOKEN });
    for (const authorization of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`]) {
      const res = await api.get('/api/v1/failures', { authorization });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], next_cursor: null });
    }
  });

  it('protects every /api/v1 path, the OpenAPI document and unknown paths included', async () => {
    const api = await startApi(db.database, { token: TOKEN });
    for (const path of [
      '/api/v1/openapi.json',
      `/api/v1/failures/${'a'.repeat(32)}`,
      '/api/v1/unknown',
      '//api/v1/failures',
      '/API/v1/failures',
    ]) {
      expect((await api.get(path)).status, path).toBe(401);
    }
  });

  it('leaves /healthz and /readyz open for probes', async () => {
    const api = await startApi(db.database, { token: TOKEN });
    api.health.report('pipeline', { ready: true, detail: 'started' });
    expect((await api.get('/healthz')).status).toBe(200);
    expect((await api.get('/readyz')).status).toBe(200);
  });

  it('needs no token when none is configured', async () => {
    const api = await startApi(db.database);
    expect((await api.get('/api/v1/failures')).status).toBe(200);
  });

  it('never writes the token, the Authorization header or query values to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const api = await startApi(db.database, { token: TOKEN, logger: pino({ level: 'trace' }, sink) });
    await api.get('/api/v1/failures?team=alice%40example.com', { authorization: `Bearer ${TOKEN}` });
    await api.get('/api/v1/failures?team=alice%40example.com', { authorization: `Bearer wrong-${TOKEN}` });
    await api.get('/api/v1/failures?limit=999999&team=bob%40example.com', { authorization: `Bearer ${TOKEN}` });
    const log = lines.join('');
    expect(log).toContain('API listening.');
    expect(lines.filter((l) => l.includes('"API request."'))).toHaveLength(3);
    expect(log).toContain('"route":"/api/v1/failures"');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('example.com');
  });
});
