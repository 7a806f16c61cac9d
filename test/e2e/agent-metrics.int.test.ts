// `faultline run` serves /metrics as configured: self-telemetry and GenAI metrics from the same
// process that received the spans, and the endpoint closes when the agent stops.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScrape } from '../exporters/prometheus/parse-scrape.ts';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { genAiTraceRequest } from '../support/otlp-fixtures.ts';

const agents: AgentProcess[] = [];
afterEach(() => {
  for (const a of agents.splice(0)) a.child.kill('SIGKILL');
});

describe('faultline run with metrics', () => {
  it('serves self-telemetry and GenAI metrics on service.telemetry.metrics.endpoint until it stops', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'faultline-metrics-')), 'agent.yaml');
    writeFileSync(
      file,
      `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors: { normalize: {}, trace_assembler: { wait_ms: 1 }, detectors: {}, classifier: {} }
exporters: { prometheus: {} }
service:
  telemetry: { metrics: { endpoint: "127.0.0.1:0" } }
  pipelines: { genai: { receivers: [otlp], processors: [normalize, trace_assembler, detectors, classifier], exporters: [prometheus] } }
`,
    );
    const agent = startAgentProcess(file);
    agents.push(agent);
    const { child, exit } = agent;
    const metrics = await agent.waitFor('the metrics endpoint', () => agent.logged('Metrics endpoint listening.'), 20_000);
    const otlp = await agent.waitFor('the receiver', () => agent.logged('OTLP receiver listening.'), 20_000);
    await agent.waitFor('the agent', () => agent.logged('Agent started.'), 20_000);
    const url = `http://${metrics.endpoint as string}/metrics`;

    const res = await fetch(`http://${otlp.http as string}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: genAiTraceRequest(10, { seed: 5, errorEvery: 5 }).json,
    });
    expect(res.status).toBe(200);

    // The assembler releases on its timer, so the GenAI series appear shortly after.
    let samples = parseScrape(await (await fetch(url)).text());
    for (let i = 0; i < 100 && !samples.some((s) => s.name === 'llm_provider_errors_total'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      samples = parseScrape(await (await fetch(url)).text());
    }
    const sum = (name: string) => samples.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
    expect(sum('faultline_receiver_accepted_spans_total')).toBe(10);
    expect(sum('llm_provider_requests_total')).toBe(10);
    expect(sum('llm_provider_errors_total')).toBe(2);
    expect(sum('faultline_process_rss_bytes')).toBeGreaterThan(0);

    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});
