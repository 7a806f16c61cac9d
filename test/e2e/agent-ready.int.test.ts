// `faultline run` says in one line, once everything listens, where to send spans, where to read the
// API and metrics, and where its data lives; and writes console lines instead of JSON when told to.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { redactUrl } from '../../agent/store/redact-url.ts';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { createOwnDatabase } from '../support/database.ts';
import { genAiTraceRequest } from '../support/otlp-fixtures.ts';

const agents: AgentProcess[] = [];
const drops: (() => Promise<void>)[] = [];
afterEach(() => {
  for (const a of agents.splice(0)) a.child.kill('SIGKILL');
});
afterAll(async () => {
  for (const drop of drops) await drop();
});

function configFile(yaml: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'faultline-ready-')), 'agent.yaml');
  writeFileSync(file, yaml);
  return file;
}

const canConnect = (hostPort: string) =>
  new Promise<boolean>((resolve) => {
    const colon = hostPort.lastIndexOf(':');
    const socket = connect({ host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) });
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('the line faultline run logs once it has started', () => {
  it('names every endpoint as bound, the database without its password, and the spill buffer file', async () => {
    const own = await createOwnDatabase('ready');
    drops.push(own.drop);
    const spill = join(mkdtempSync(join(tmpdir(), 'faultline-ready-spill-')), 'events.sqlite');
    const agent = startAgentProcess(
      configFile(`
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:0" }, grpc: { endpoint: "127.0.0.1:0" } } }
processors: { normalize: {}, trace_assembler: { wait_ms: 1 }, detectors: {}, classifier: {} }
exporters:
  postgres/events: { spill: { path: "${spill}" } }
storage: { url: "${own.url}" }
api: { endpoint: "127.0.0.1:0" }
service:
  telemetry: { metrics: { endpoint: "127.0.0.1:0" } }
  pipelines: { genai: { receivers: [otlp], processors: [normalize, trace_assembler, detectors, classifier], exporters: [postgres/events] } }
`),
    );
    agents.push(agent);
    const ready = await agent.waitFor('the agent', () => agent.logged('Agent started.'), 60_000);

    const { http, grpc } = (ready.receivers as Record<string, { http: string; grpc: string }>).otlp;
    expect(http).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
    expect(grpc).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
    const sent = await fetch(`http://${http}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: genAiTraceRequest(3).json,
    });
    expect(sent.status).toBe(200);
    expect(await canConnect(grpc)).toBe(true);

    expect(ready.api).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*\/api\/v1\/$/);
    expect((await fetch(`${ready.api as string}openapi.json`)).status).toBe(200);
    expect(ready.metrics).toMatch(/^http:\/\/127\.0\.0\.1:[1-9][0-9]*\/metrics$/);
    expect(await (await fetch(ready.metrics as string)).text()).toContain('faultline_receiver_accepted_spans_total');

    expect(ready.storage).toEqual({ kind: 'external', database: redactUrl(own.url) });
    // The bundled test server has a password; a DATABASE_URL given to the suite may not.
    const password = new URL(own.url).password;
    if (password) expect(JSON.stringify(agent.logs)).not.toContain(`:${password}@`);
    expect(ready.files).toEqual({ 'postgres/events': { spill } });
    expect(ready.pipelines).toEqual(['genai']);
  });

  it('writes console lines, not JSON, with service.telemetry.logs.encoding: console', async () => {
    const file = configFile(`
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
exporters: { ndjson: { path: "${join(mkdtempSync(join(tmpdir(), 'faultline-ready-out-')), 'out.ndjson')}" } }
service:
  telemetry: { logs: { encoding: console }, metrics: { enabled: false } }
  pipelines: { genai: { receivers: [otlp], exporters: [ndjson] } }
`);
    const child = spawn(process.execPath, ['bin/faultline.js', 'run', '--config', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!stderr.includes('Agent started.') && child.exitCode === null && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);

    const lines = stderr.trimEnd().split('\n');
    expect(lines.some((l) => l.startsWith('{'))).toBe(false);
    const started = lines.find((l) => l.includes('Agent started.'));
    expect(started).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z {2}INFO {3}Agent started\. {2}pipelines=\["genai"\] receivers=\{"otlp":\{"http":"127\.0\.0\.1:\d+"\}\} api=null metrics=null storage=null files=\{\}/,
    );
    expect(lines.some((l) => / INFO {3}Agent stopped\. /.test(l))).toBe(true);
  });
});
