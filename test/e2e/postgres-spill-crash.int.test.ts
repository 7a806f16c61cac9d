// The agent killed with SIGKILL while it drains its spill buffer into PostgreSQL, then restarted:
// every event lands exactly once (the chunk in flight at the kill is delivered again and absorbed
// by the idempotent writes). And a corrupted spill file does not stop the agent from starting.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSpillBuffer } from '../../agent/delivery/spill/index.ts';
import { encodeItem } from '../../exporters/postgres/export-item.ts';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { createOwnDatabase } from '../support/database.ts';
import { failureEvent } from '../support/failure-event-builder.ts';

const running: AgentProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

// A database of this file's own on the suite's server, so the row counts are only ours.
let database: Awaited<ReturnType<typeof createOwnDatabase>>;
let url: string;
let client: pg.Client;
beforeAll(async () => {
  database = await createOwnDatabase('e2e_spill');
  url = database.url;
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

function startAgent(config: string): AgentProcess {
  const file = join(tempDir('faultline-e2e-spill-'), 'agent.yaml');
  writeFileSync(file, config);
  const agent = startAgentProcess(file);
  running.push(agent);
  return agent;
}

function agentConfig(spillPath: string, drainRate: number): string {
  return `
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } }
processors: { normalize: {} }
exporters:
  postgres:
    spill: { path: "${spillPath}", drain_rate_per_sec: ${drainRate}, drain_batch_items: 50 }
storage:
  url: "${url}"
service:
  telemetry: { logs: { level: info } }
  pipelines:
    genai: { receivers: [otlp], processors: [normalize], exporters: [postgres] }
`;
}

async function rows(): Promise<{ n: number; distinct_n: number }> {
  if (!client) {
    client = new pg.Client({ connectionString: url });
    await client.connect();
  }
  try {
    const r = await client.query('SELECT count(*)::int AS n, count(DISTINCT failure_id)::int AS distinct_n FROM failure_events');
    return r.rows[0];
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return { n: 0, distinct_n: 0 }; // not migrated yet
    throw err;
  }
}

describe('faultline run with the postgres exporter', () => {
  it('writes exactly N rows when killed with SIGKILL mid-drain and restarted', async () => {
    const N = 2_000;
    const spillPath = join(tempDir('faultline-e2e-buffer-'), 'postgres.sqlite');
    const { buffer } = openSpillBuffer({ path: spillPath, maxBytes: 1e9, synchronous: 'FULL', logger: pino({ level: 'silent' }) });
    for (let b = 0; b < N / 500; b++) {
      buffer.append(
        Array.from({ length: 500 }, (_, i) => encodeItem({ lane: 'events', value: failureEvent(b * 500 + i) })),
        Date.now(),
      );
    }
    buffer.close();

    // Slow drain (500 records/s), so the kill lands in the middle of it.
    const first = startAgent(agentConfig(spillPath, 500));
    await first.waitFor('part of the buffer to drain', async () => ((await rows()).n >= 300 ? true : undefined), 30_000);
    first.child.kill('SIGKILL');
    expect(await first.exit).toBeNull();
    const atKill = await rows();
    expect(atKill.n).toBeGreaterThan(0);
    expect(atKill.n).toBeLessThan(N);

    const second = startAgent(agentConfig(spillPath, 20_000));
    await second.waitFor('the buffer to drain', () => second.logged('Spill buffer drained.'), 30_000);
    expect(await rows()).toEqual({ n: N, distinct_n: N });
    expect((await client.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n).toBe(0);
    // What the first run had not acked was delivered by the second: at least every row missing at the kill.
    const resumed = second.logs.find((l) => l.msg === 'PostgreSQL exporter started.') as { records: number };
    expect(resumed.records).toBeGreaterThanOrEqual(N - atKill.n);
    expect(resumed.records).toBeLessThan(N);

    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    const { buffer: after } = openSpillBuffer({ path: spillPath, maxBytes: 1e9, synchronous: 'FULL', logger: pino({ level: 'silent' }) });
    expect(after.stats().records).toBe(0);
    after.close();
  });

  it('starts on a corrupted spill file: moves it aside, logs the loss with what to do, and runs', async () => {
    const spillPath = join(tempDir('faultline-e2e-buffer-'), 'postgres.sqlite');
    writeFileSync(spillPath, 'torn write '.repeat(1000));
    const agent = startAgent(agentConfig(spillPath, 1000));
    await agent.waitFor('the agent to start', () => agent.logged('Agent started.'), 30_000);
    const log = agent.logs.find((l) => l.quarantinedAs === `${spillPath}.corrupt-1`);
    expect(log).toMatchObject({ level: 50, component: 'postgres' });
    expect(String(log?.msg)).toContain('sqlite3');
    expect(existsSync(`${spillPath}.corrupt-1`)).toBe(true);
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
  });
});
