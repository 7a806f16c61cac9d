// Issue 3's promise, end to end: `faultline simulate --scenario provider-outage --target …` against
// the agent as `npm start` runs it (the shipped agent.yaml, its own process, the postgres exporter)
// produces failure events and an incident that a user then reads through the REST API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureEvent } from '../../agent/core/model/failure-event.ts';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { runCli } from '../support/cli.ts';
import { createOwnDatabase } from '../support/database.ts';

let database: Awaited<ReturnType<typeof createOwnDatabase>>;
let workDir: string;
let agent: AgentProcess | undefined;

beforeAll(async () => {
  database = await createOwnDatabase('e2e_simulate');
  workDir = mkdtempSync(join(tmpdir(), 'faultline-e2e-simulate-'));
});

afterAll(async () => {
  if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
  await database?.drop();
});

describe('faultline simulate --target against the shipped agent', () => {
  // The agent process's start and each wait below may take up to a minute on a loaded machine (waitFor's bound):
  // the project's 30 s default would end the test before a wait could say what it was waiting for.
  it('turns a simulated provider outage into failure events and an open P1 incident readable through the API', async () => {
    // `npm start`: the shipped agent.yaml, every listener moved to a free loopback port through the
    // env variables it reads, ./data/… (spill buffer, NDJSON files) in the temp dir.
    agent = startAgentProcess(resolve('agent.yaml'), {
      cwd: workDir,
      env: {
        DATABASE_URL: database.url,
        FAULTLINE_OTLP_HTTP_ENDPOINT: '127.0.0.1:0',
        FAULTLINE_OTLP_GRPC_ENDPOINT: '127.0.0.1:0',
        FAULTLINE_API_ENDPOINT: '127.0.0.1:0',
        FAULTLINE_METRICS_ENDPOINT: '127.0.0.1:0',
        FAULTLINE_API_TOKEN: '',
        FAULTLINE_LOG_LEVEL: 'info',
      },
    });
    const otlp = await agent.waitFor('the OTLP receiver', () => agent!.logged('OTLP receiver listening.'));
    const api = await agent.waitFor('the API', () => agent!.logged('API listening.'));
    const otlpHttp = `http://${otlp.http as string}`;
    const apiBase = `http://${api.address as string}`;

    const sent = await runCli(['simulate', '--scenario', 'provider-outage', '--duration', '150', '--target', otlpHttp]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stderr).toMatch(/provider-outage/);

    // The scenario's outage: every call to OpenAI fails. Its events reach PostgreSQL through the
    // exporter (after the trace assembler's wait), then the API serves them.
    const page = await agent.waitFor('provider/outage events through the API', async () => {
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
    const incidents = await agent.waitFor('the outage incident through the API', async () => {
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

    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
  }, 180_000);
});
