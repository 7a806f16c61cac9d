// A PostgreSQL of a test's own (the bundled binaries, a temp data dir), which the test can stop
// and start again on the same port, to play an outage against a running exporter or agent.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../agent/store/embedded-postgres.ts';

export interface StoppablePostgres {
  /** Stable across restarts. */
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its files. */
  destroy(): Promise<void>;
}

export async function startStoppablePostgres(): Promise<StoppablePostgres> {
  const logger = pino({ level: 'warn' });
  const root = await mkdtemp(path.join(tmpdir(), 'faultline-test-own-pg-'));
  await chmod(root, 0o755); // when we are root the server runs as `postgres` and must enter this dir
  const dataDir = path.join(root, 'data');
  let server: EmbeddedPostgres | null = await startEmbeddedPostgres({ logger, dataDir, port: 0, fsync: false });
  const port = server.port;
  const url = server.url;
  return {
    url,
    async stop() {
      await server?.stop();
      server = null;
    },
    async start() {
      server ??= await startEmbeddedPostgres({ logger, dataDir, port, fsync: false });
    },
    async destroy() {
      await server?.stop();
      server = null;
      await rm(root, { recursive: true, force: true });
    },
  };
}
