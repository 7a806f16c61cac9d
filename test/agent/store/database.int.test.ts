import { describe, expect, it } from 'vitest';
import { createDatabase, DatabaseUnavailableError } from '../../../agent/store/database.ts';
import { quietLogger, testDatabaseUrl, withTestSchema } from '../../support/database.ts';
import { startFaultProxy } from '../../support/fault-proxy.ts';

describe('createDatabase', () => {
  const db = withTestSchema();

  it('passes its readiness check against a running server', async () => {
    const database = createDatabase({ url: testDatabaseUrl(), logger: quietLogger() });
    try {
      await expect(database.checkReady()).resolves.toBeUndefined();
    } finally {
      await database.close();
    }
  });

  it('reports an unreachable server without revealing the password', async () => {
    const database = createDatabase({
      url: 'postgres://agent:s3cret-pw@127.0.0.1:1/faultline',
      logger: quietLogger(),
      connectTimeoutMs: 1_000,
    });
    try {
      const error = await database.checkReady().catch((err: unknown) => err);
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      expect((error as Error).message).toContain('postgres://agent:***@127.0.0.1:1/faultline');
      expect((error as Error).message).not.toContain('s3cret-pw');
      expect(database.redactedUrl).not.toContain('s3cret-pw');
    } finally {
      await database.close();
    }
  });

  it('closes its pool once even when close is called twice', async () => {
    const database = createDatabase({ url: testDatabaseUrl(), logger: quietLogger() });
    await database.checkReady();
    await Promise.all([database.close(), database.close()]);
    expect(database.pool.ended).toBe(true);
  });

  it('gives a test file its own migrated schema as search_path', async () => {
    const { rows } = await db.pool.query<{ schema: string }>('SELECT current_schema() AS schema');
    expect(rows[0]?.schema).toBe(db.schema);
    await db.pool.query(
      "INSERT INTO agent_instances (instance_id, hostname, version, config_hash) VALUES ('a1', 'node-1', '0.1.0', 'abc')",
    );
    const stored = await db.pool.query('SELECT instance_id, started_at <= last_seen_at AS is_ordered FROM agent_instances');
    expect(stored.rows).toEqual([{ instance_id: 'a1', is_ordered: true }]);
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => createDatabase({ url: testDatabaseUrl(), logger: quietLogger(), schema: 'x; DROP TABLE y' })).toThrow(
      /plain lower-case identifier/,
    );
  });

  it('survives a connection reset while a client is checked out: the holder gets the error, the process does not', async () => {
    const target = new URL(testDatabaseUrl());
    const proxy = await startFaultProxy({ target: { host: target.hostname, port: Number(target.port) } });
    const proxied = new URL(target);
    proxied.host = `${proxy.host}:${proxy.port}`;
    const database = createDatabase({ url: proxied.toString(), logger: quietLogger(), connectTimeoutMs: 2_000 });
    const uncaught: unknown[] = [];
    const record = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', record);
    try {
      const client = await database.pool.connect();
      await client.query('BEGIN');
      const ended = new Promise((r) => client.once('end', r));
      proxy.resetConnections(); // between two statements of a transaction: no query in flight
      await ended;
      await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable|terminated|ECONNRESET/);
      client.release(true);
      expect(uncaught).toEqual([]);
      await expect(database.checkReady()).resolves.toBeUndefined();
    } finally {
      process.off('uncaughtException', record);
      await database.close();
      await proxy.close();
    }
  });
});
