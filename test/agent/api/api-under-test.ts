// The API server on port 0 on loopback, over a real database, for tests that talk to it with fetch.
import { afterEach } from 'vitest';
import type { Logger } from 'pino';
import { createApiServer, type ApiServer } from '../../../agent/api/server.ts';
import { createHealth, type Health } from '../../../agent/core/health.ts';
import type { Database } from '../../../agent/store/database.ts';
import { FAILURE_EVENT_COLUMNS, failureEventToParams } from '../../../agent/store/failure-event-row.ts';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { quietLogger } from '../../support/database.ts';

export interface StartedApi {
  base: string;
  health: Health;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: any }>;
}

const servers: ApiServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

export async function startApi(
  database: Database,
  options: { token?: string; health?: Health; pageSizes?: { default: number; max: number }; logger?: Logger } = {},
): Promise<StartedApi> {
  const health = options.health ?? createHealth();
  const server = createApiServer(
    { endpoint: '127.0.0.1:0', auth: { bearer_token: options.token ?? '' } },
    { database, health, logger: options.logger ?? quietLogger(), pageSizes: options.pageSizes ?? { default: 100, max: 1000 } },
  );
  servers.push(server);
  const { port } = await server.listen();
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    health,
    async get(path, headers = {}) {
      const res = await fetch(base + path, { headers });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    },
  };
}

export async function insertEvents(database: Database, events: FailureEvent[]): Promise<void> {
  for (const event of events) {
    const placeholders = FAILURE_EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
    await database.pool.query(
      `INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) VALUES (${placeholders})`,
      failureEventToParams(event, 'test-agent'),
    );
  }
}
