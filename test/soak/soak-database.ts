// The soak's PostgreSQL: a database of its own on a server the caller names (the test suite's),
// or else the bundled server started in the work directory, as `npm run soak` does by default.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../agent/store/embedded-postgres.ts';

export interface SoakDatabase {
  url: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

export async function startSoakDatabase(serverUrl: string | null, dir: string): Promise<SoakDatabase> {
  if (serverUrl === null) {
    const server = await startEmbeddedPostgres({ logger: pino({ level: 'warn' }), dataDir: join(dir, 'postgres'), port: 0 });
    return { url: server.url, host: '127.0.0.1', port: server.port, stop: () => server.stop() };
  }
  const name = `faultline_soak_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    host: url.hostname,
    port: Number(url.port || 5432),
    async stop() {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
