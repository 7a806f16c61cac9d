// Issue 3's promise, end to end: `faultline simulate --scenario provider-outage --target …` against
// the agent as `npm start` runs it (the shipped agent.yaml, its own process, the postgres exporter)
// produces failure events and an incident that a user then reads through the REST API.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureEvent } from '../../agent/model/failure-event.ts';
import { runCli } from '../support/cli.ts';
import { testDatabaseUrl } from '../support/database.ts';

const dbName = `e2e_simulate_${randomBytes(4).toString('hex')}`;
let url: string;
let workDir: string;
let agent: ChildProcess | undefined;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(testDatabaseUrl());
  u.pathname = `/${dbName}`;
  url = u.toString();
  workDir = mkdtempSync(join(tmpdir(), 'faultline-e2e-simulate-'));
});

afterAll(async () => {
  if (agent && agent.exitCode === null) agent.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
});

/** `npm start`: the shipped agent.yaml, every listener moved to a free loopback port through the env variables it reads. */
function startShippedAgent(): void {
  agent = spawn(process.execPath, [resolve('bin/faultline.js'), 'run', '--config', resolve('agent.yaml')], {
    cwd: workDir, // ./data/… (spill buffer, NDJSON files) lands in the temp dir
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: url,
      FAULTLINE_OTLP_HTTP_ENDPOINT: '127.0.0.1:0',
      FAULTLINE_OTLP_GRPC_ENDPOINT: '127.0.0.1:0',
      FAULTLINE_API_ENDPOINT: '127.0.0.1:0',
      FAULTLINE_METRICS_ENDPOINT: '127.0.0.1:0',
      FAULTLINE_API_TOKEN: '',
      FAULTLINE_LOG_LEVEL: 'info',
    },
  });
  let partial = '';
  agent.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line));
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (agent?.exitCode !== null) throw new Error(`the agent exited (${agent?.exitCode}) while waiting for ${what}: ${JSON.stringify(logs.slice(-5))}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last logs: ${JSON.stringify(logs.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const logged = (msg: string) => logs.find((l) => l.msg === msg);

describe('faultline simulate --target against the shipped agent', () => {
  it('turns a simulated provider outage into failure events and an open P1 incident readable through the API', async () => {
    startShippedAgent();
    const otlp = await waitFor('the OTLP receiver', () => logged('OTLP receiver listening.'));
    const api = await waitFor('the API', () => logged('API listening.'));
    const otlpHttp = `http://${otlp.http as string}`;
    const apiBase = `http://${api.address as string}`;

    const sent = await runCli(['simulate', '--scenario', 'provider-outage', '--duration', '150', '--target', otlpHttp]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toMatch(/provider-outage/);

    // The scenario's outage: every call to OpenAI fails. Its events reach PostgreSQL through the
    // exporter (after the trace assembler's wait), then the API serves them.
    const page = await waitFor('provider/outage events through the API', async () => {
      const r = await fetch(`${apiBase}/api/v1/failures?category=provider&provider=openai&limit=50`);
      if (r.status !== 200) return undefined;
      const body = (await r.json()) as { data: unknown[]; next_cursor: string | null };
      return body.data.length >= 10 ? body : undefined;
    });
    const events = page.data.map((e) => FailureEvent.parse(e));
    expect(events.every((e) => e.category === 'provider' && e.provider === 'openai')).toBe(true);
    expect(events.map((e) => e.subtype)).toContain('outage');
    expect(events.some((e) => e.severity === 'P1' || e.severity === 'P2')).toBe(true);

    // One of them by id, as a user follows a link from an alert.
    const one = await fetch(`${apiBase}/api/v1/failures/${events[0].failure_id}`);
    expect(one.status).toBe(200);
    expect(FailureEvent.parse(await one.json()).failure_id).toBe(events[0].failure_id);

    // And the incident the outage opened, as the on-call reads it after the page.
    const incidents = await waitFor('the outage incident through the API', async () => {
      const r = await fetch(`${apiBase}/api/v1/incidents?category=provider&state=open`);
      if (r.status !== 200) return undefined;
      const body = (await r.json()) as { data: { incident_id: string; subtype: string; provider: string; severity: string }[] };
      return body.data.some((i) => i.subtype === 'outage' && i.provider === 'openai') ? body.data : undefined;
    });
    const outage = incidents.find((i) => i.subtype === 'outage' && i.provider === 'openai')!;
    expect(outage.severity).toBe('P1');
    const detail = await fetch(`${apiBase}/api/v1/incidents/${outage.incident_id}`);
    expect(detail.status).toBe(200);
    const shown = (await detail.json()) as { member_count: number; transitions: { kind: string }[] };
    expect(shown.member_count).toBeGreaterThanOrEqual(1);
    expect(shown.transitions[0].kind).toBe('opened');

    agent!.kill('SIGTERM');
    await new Promise<void>((r) => (agent!.exitCode !== null ? r() : agent!.once('exit', () => r())));
    expect(agent!.exitCode).toBe(0);
  });
});
