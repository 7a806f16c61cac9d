// The agent as users run it: `faultline run` in its own process, fed by the official OTLP
// exporter over the network, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { TelemetryItem } from '../../agent/core/model/llm-call.ts';
import { testDatabaseUrl } from '../support/database.ts';
import { makeGenAiSpans } from '../support/otlp-fixtures.ts';

interface Running {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  exit: Promise<number | null>;
}

const running: Running[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.child.kill('SIGKILL');
});

function startAgent(config: string): Running {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-e2e-'));
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, config);
  const child = spawn(process.execPath, ['bin/faultline.js', 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const r = { child, logs, exit };
  running.push(r);
  return r;
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('faultline run', () => {
  it('normalizes spans from every official OTLP exporter, gzip or not, flushes held traces on SIGTERM, and exits 0', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'faultline-e2e-out-')), 'calls.ndjson');
    const agent = startAgent(`
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:0" }
      grpc: { endpoint: "127.0.0.1:0" }
processors:
  normalize: {}
  trace_assembler: { wait_ms: 600000 }
exporters:
  ndjson: { path: "${out}" }
storage:
  url: "${testDatabaseUrl()}"
api:
  endpoint: "127.0.0.1:0"
service:
  telemetry: { logs: { level: info }, metrics: { endpoint: "127.0.0.1:0" } }
  pipelines:
    genai: { receivers: [otlp], processors: [normalize, trace_assembler], exporters: [ndjson] }
`);
    const listening = await waitFor('the receiver', () => agent.logs.find((l) => l.msg === 'OTLP receiver listening.'));
    await waitFor('the agent to start', () => agent.logs.find((l) => l.msg === 'Agent started.'));

    const http = `http://${listening.http as string}/v1/traces`;
    const grpc = `http://${listening.grpc as string}`;
    const exporters: [string, (gzip: boolean) => SpanExporter][] = [
      ['protobuf', (gzip) => new ProtoExporter({ url: http, compression: (gzip ? 'gzip' : 'none') as never })],
      ['json', (gzip) => new JsonExporter({ url: http, compression: (gzip ? 'gzip' : 'none') as never })],
      ['grpc', (gzip) => new GrpcExporter({ url: grpc, compression: (gzip ? 'gzip' : 'none') as never })],
    ];
    let seed = 1;
    for (const [name, make] of exporters) {
      for (const gzip of [false, true]) {
        const exporter = make(gzip);
        const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
          exporter.export(makeGenAiSpans(5, { seed: seed++ }), resolve),
        );
        expect({ name, gzip, code: result.code, error: result.error?.message }).toEqual({ name, gzip, code: 0, error: undefined });
        await exporter.shutdown();
      }
    }

    // The assembler holds traces for 10 minutes, so nothing is written until shutdown flushes it.
    expect(existsSync(out) ? readFileSync(out, 'utf8') : '').toBe('');
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);

    const calls = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => TelemetryItem.parse(JSON.parse(l)));
    expect(calls).toHaveLength(30);
    expect(new Set(calls.map((c) => c.source.spanId)).size).toBe(30);
    for (const call of calls) {
      expect(call.kind).toBe('llm');
      if (call.kind === 'llm') expect(call.requestModel).toMatch(/^(gpt-4o|gpt-4o-mini|claude-sonnet-4-5|gemini-2\.5-pro)$/);
    }
    expect(agent.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['Shutting down.', 'Agent stopped.']));
    const stopped = agent.logs.find((l) => l.msg === 'Agent stopped.') as {
      components: { id: string; itemsIn: number; itemsOut: number }[];
    };
    expect(stopped.components.find((c) => c.id === 'normalize')).toMatchObject({ itemsIn: 30, itemsOut: 30 });

    // The agent registered itself in the shared database.
    const client = new pg.Client({ connectionString: testDatabaseUrl() });
    await client.connect();
    try {
      const rows = await client.query('SELECT hostname, version FROM agent_instances');
      expect(rows.rows.length).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('serves the REST API once the pipelines run, with the token enforced, and stops it first', async () => {
    const token = 'tok_e2e_0123456789abcdef';
    const agent = startAgent(`
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors: { normalize: {} }
exporters: { ndjson: { path: "${join(mkdtempSync(join(tmpdir(), 'faultline-e2e-api-')), 'calls.ndjson')}" } }
storage: { url: "${testDatabaseUrl()}" }
api: { endpoint: "127.0.0.1:0", auth: { bearer_token: "${token}" } }
service: { pipelines: { genai: { receivers: [otlp], processors: [normalize], exporters: [ndjson] } } }
`);
    const listening = await waitFor('the API', () => agent.logs.find((l) => l.msg === 'API listening.'));
    await waitFor('the agent to start', () => agent.logs.find((l) => l.msg === 'Agent started.'));
    const base = `http://${listening.address as string}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { pipeline: { ready: true }, database: { ready: true } } });
    expect((await fetch(`${base}/api/v1/failures`)).status).toBe(401);
    const page = await fetch(`${base}/api/v1/failures?limit=5`, { headers: { authorization: `Bearer ${token}` } });
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({
      data: expect.any(Array),
      next_cursor: expect.toSatisfy((c: unknown) => c === null || typeof c === 'string'),
    });

    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
    // Ordered by each line's own time: stderr lines can reach the pipe out of order under load.
    const at = (msg: string) => agent.logs.find((l) => l.msg === msg)?.time as number;
    expect(at('API stopped.')).toBeGreaterThanOrEqual(at('Shutting down.'));
    expect(at('API stopped.')).toBeLessThanOrEqual(at('Agent stopped.'));
    expect(JSON.stringify(agent.logs)).not.toContain(token);
  });

  it('refuses to start on an invalid configuration, printing every problem before opening a port', async () => {
    const agent = startAgent(`
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:4318" } } } }
processors: { normalize: { colour: red } }
exporters: { ndjson: {} }
service: { pipelines: { genai: { receivers: [otlp], processors: [normalize, correlator], exporters: [ndjson] } } }
`);
    let stderr = '';
    agent.child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    expect(await agent.exit).toBe(1);
    expect(stderr).toContain('processors.normalize.colour: unknown key');
    expect(stderr).toContain('service.pipelines.genai.processors[1]: references processor "correlator"');
    expect(agent.logs.find((l) => l.msg === 'OTLP receiver listening.')).toBeUndefined();
  });
});
