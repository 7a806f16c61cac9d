import { createServer } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { documentedRoute } from '../../../agent/api/openapi.ts';
import { createApiServer } from '../../../agent/api/server.ts';
import { createHealth } from '../../../agent/core/health.ts';
import { quietLogger, withTestSchema } from '../../support/database.ts';

const db = withTestSchema();
const deps = () => ({ database: db.database, health: createHealth(), logger: quietLogger(), pageSizes: { default: 10, max: 100 } });

describe('the API server lifecycle', () => {
  it('says which endpoint it cannot bind and why', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    const server = createApiServer({ endpoint: `127.0.0.1:${port}`, auth: { bearer_token: '' } }, deps());
    try {
      await expect(server.listen()).rejects.toThrow(
        `The API cannot listen on 127.0.0.1:${port}: the address is already in use; stop the other process or change api.endpoint.`,
      );
    } finally {
      await server.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('binds loopback when configured so, and closes safely twice and without listening', async () => {
    const server = createApiServer({ endpoint: '127.0.0.1:0', auth: { bearer_token: '' } }, deps());
    const address = await server.listen();
    expect(address.host).toBe('127.0.0.1');
    await server.close();
    await server.close();
    await expect(fetch(`http://127.0.0.1:${address.port}/healthz`)).rejects.toThrow();
    const never = createApiServer({ endpoint: '127.0.0.1:0', auth: { bearer_token: '' } }, deps());
    await expect(never.close()).resolves.toBeUndefined();
  });

  it('refuses a route that carries no OpenAPI description, so the document cannot miss one', () => {
    const app = Fastify();
    app.addHook('onRoute', (route) => void documentedRoute(route));
    expect(() => app.get('/api/v1/undocumented', async () => ({}))).toThrow('BUG: route GET /api/v1/undocumented has no config.openapi');
  });
});
