// The agent's own metrics: receiver intake and refusals, per-component counters, process and
// event-loop gauges, read from a real scrape of a running (in-process) agent.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgentTelemetry } from '../../../agent/telemetry/agent-telemetry.ts';
import { startAgentUnderTest, type AgentUnderTest } from '../../support/agent-under-test.ts';
import { genAiTraceRequest } from '../../support/otlp-fixtures.ts';
import { parseScrape, type Sample } from '../../exporters/prometheus/parse-scrape.ts';

let agent: AgentUnderTest;
let samples: Sample[];
let body: string;
const answers: number[] = [];

beforeAll(async () => {
  agent = await startAgentUnderTest(`
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors: { normalize: {} }
exporters: { prometheus: {} }
service: { pipelines: { genai: { receivers: [otlp], processors: [normalize], exporters: [prometheus] } } }
`);
  const post = async (body: Uint8Array | string) => {
    const res = await fetch(`${agent.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    await res.arrayBuffer();
    answers.push(res.status);
  };
  await post(genAiTraceRequest(5, { seed: 1 }).json);
  await post('{"resourceSpans": [');
  // What the postgres exporter does when its spill buffer is full: intake closes with 503.
  agent.pipelines.backpressure.hold('postgres', 'The spill buffer is at its byte cap.', 5);
  await post(genAiTraceRequest(3, { seed: 2 }).json);
  agent.pipelines.backpressure.release('postgres');
  // A full collection, so the live heap has a reading (GC entries reach observers a turn later).
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  await new Promise((r) => setTimeout(r, 50)); // let the event-loop monitor take samples
  body = await (await fetch(agent.metricsUrl)).text();
  samples = parseScrape(body);
});

afterAll(() => agent?.stop());

const value = (name: string, labels: Record<string, string>) => {
  const hits = samples.filter(
    (s) =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
      Object.keys(s.labels).length === Object.keys(labels).length,
  );
  expect(hits, `${name}${JSON.stringify(labels)}`).toHaveLength(1);
  return hits[0].value;
};

describe('self-telemetry on /metrics', () => {
  it('got the answers the counters describe', () => {
    expect(answers).toEqual([200, 400, 503]);
  });

  it('counts accepted and refused spans by receiver, transport and reason, with every reason present from zero', () => {
    const http = { receiver: 'otlp', transport: 'http' };
    expect(value('faultline_receiver_accepted_spans_total', http)).toBe(5);
    expect(value('faultline_receiver_refused_spans_total', { ...http, reason: 'backpressure' })).toBe(3);
    expect(value('faultline_receiver_refused_spans_total', { ...http, reason: 'queue' })).toBe(0);
    expect(value('faultline_receiver_rejected_spans_total', http)).toBe(0);
    expect(value('faultline_receiver_requests_total', { ...http, outcome: 'success' })).toBe(1);
    expect(value('faultline_receiver_requests_total', { ...http, outcome: 'malformed' })).toBe(1);
    expect(value('faultline_receiver_requests_total', { ...http, outcome: 'backpressure' })).toBe(1);
    expect(value('faultline_receiver_accepted_spans_total', { receiver: 'otlp', transport: 'grpc' })).toBe(0);
  });

  it('counts items in and out and errors per component, as the pipeline wrapper saw them', () => {
    expect(value('faultline_component_items_in_total', { kind: 'processor', component: 'normalize' })).toBe(5);
    expect(value('faultline_component_items_out_total', { kind: 'processor', component: 'normalize' })).toBe(5);
    expect(value('faultline_component_items_in_total', { kind: 'exporter', component: 'prometheus' })).toBe(5);
    expect(value('faultline_component_errors_total', { kind: 'exporter', component: 'prometheus', stage: 'export' })).toBe(0);
    expect(value('faultline_component_errors_total', { kind: 'exporter', component: 'prometheus', stage: 'timer' })).toBe(0);
    expect(value('faultline_component_errors_total', { kind: 'processor', component: 'normalize', stage: 'process' })).toBe(0);
    expect(value('faultline_component_batches_total', { kind: 'processor', component: 'normalize' })).toBe(1);
    expect(value('faultline_pipeline_inflight_items', {})).toBe(0);
  });

  it('reports process memory, CPU and event-loop lag (a summary with quantiles)', () => {
    expect(value('faultline_process_rss_bytes', {})).toBeGreaterThan(10 * 1024 * 1024);
    expect(value('faultline_process_heap_used_bytes', {})).toBeGreaterThan(1024 * 1024);
    // Read just after the full collection above: the live data, under the heap the process has.
    expect(value('faultline_process_heap_live_bytes', {})).toBeGreaterThan(1024 * 1024);
    expect(value('faultline_process_heap_live_bytes', {})).toBeLessThan(value('faultline_process_heap_used_bytes', {}) * 4);
    expect(value('faultline_process_cpu_seconds_total', {})).toBeGreaterThan(0);
    expect(body).toContain('# TYPE faultline_event_loop_lag_seconds summary');
    for (const q of ['0.5', '0.9', '0.99', '1']) expect(value('faultline_event_loop_lag_seconds', { quantile: q })).toBeGreaterThan(0);
    expect(value('faultline_event_loop_lag_seconds_count', {})).toBeGreaterThan(0);
  });

  it('records the GenAI metrics of the same calls through the same meter', () => {
    const requests = samples.filter((s) => s.name === 'llm_provider_requests_total').reduce((n, s) => n + s.value, 0);
    expect(requests).toBe(5);
  });
});

describe('metrics endpoint lifecycle', () => {
  it('refuses to start on a taken port, naming the setting', async () => {
    const first = createAgentTelemetry({ enabled: true, endpoint: '127.0.0.1:0' }, pino({ level: 'silent' }));
    await first.start();
    const second = createAgentTelemetry({ enabled: true, endpoint: `127.0.0.1:${first.address()!.port}` }, pino({ level: 'silent' }));
    await expect(second.start()).rejects.toThrow(
      /the address is already in use; stop the other process or change service\.telemetry\.metrics\.endpoint\./,
    );
    await second.shutdown();
    await first.shutdown();
    await first.shutdown(); // safe twice
  });

  it('serves nothing and hands out a no-op meter when disabled', async () => {
    const t = createAgentTelemetry({ enabled: false, endpoint: '127.0.0.1:9464' }, pino({ level: 'silent' }));
    await t.start();
    t.meter.createCounter('x_total').add(1);
    expect(t.address()).toBeNull();
    expect(await t.scrape()).toBe('');
    await t.shutdown();
  });

  it('answers 404 outside /metrics', async () => {
    const res = await fetch(agent.metricsUrl.replace('/metrics', '/'));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('GET /metrics');
  });
});
