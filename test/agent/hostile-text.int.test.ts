// Text PostgreSQL cannot store (NUL, lone surrogates) in every field a span or log record carries,
// sent as real OTLP requests (JSON and protobuf over HTTP) to a running agent with the postgres
// exporter: every failure event and incident update the pipeline emits is found in the database,
// nothing is dead-lettered, and no stored text, metric label or alert body holds such a character.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OtlpLogRecord, OtlpSpan } from '../../agent/core/model/otlp.ts';
import { encodeLogsJson, encodeTracesJson } from '../../agent/receivers/otlp-wire/encode-json.ts';
import { encodeTracesProtobuf } from '../../agent/receivers/otlp-wire/encode-traces-protobuf.ts';
import { e2RateLimited } from '../fixtures/spans/litellm-v1.ts';
import { span } from '../support/span-builder.ts';
import { startAgentUnderTest, type AgentUnderTest } from '../support/agent-under-test.ts';
import { withTestSchema } from '../support/database.ts';
import { fixtureLogRecords, fixtureSpans, labelledSetSpans } from '../support/fixture-corpus.ts';
import { hasUnstorable, holdsUnstorable, hostileLogRecord, hostileSpan } from '../support/hostile-text.ts';
import { postOtlp } from '../support/otlp-post.ts';

const db = withTestSchema();
let agent: AgentUnderTest;
let dir: string;
let alerts: Server;
const alertBodies: string[] = [];

/** Trace ids of a copy of `spans` under another 8-hex-digit prefix, so copies are distinct calls. */
const retrace = (spans: OtlpSpan[], prefix: string): OtlpSpan[] => spans.map((s) => ({ ...s, traceId: prefix + s.traceId.slice(8) }));

async function post(path: string, contentType: string, body: string | Uint8Array): Promise<void> {
  const res = await postOtlp(`${agent.otlpHttp}${path}`, contentType, body);
  expect(res.status, res.body).toBe(200);
}

function ndjson(name: string): Record<string, unknown>[] {
  let text = '';
  try {
    text = readFileSync(join(dir, name), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-hostile-text-'));
  alerts = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      alertBodies.push(body);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => alerts.listen(0, '127.0.0.1', r));
  const alertUrl = `http://127.0.0.1:${(alerts.address() as AddressInfo).port}/hook`;
  agent = await startAgentUnderTest(
    `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors:
  normalize: {}
  trace_assembler: { wait_ms: 100, flush_interval_ms: 50 }
  detectors: {}
  classifier: {}
  incidents: {}
exporters:
  postgres: { spill: { path: "${join(dir, 'spill.sqlite')}" } }
  prometheus: { labels: [requested_model, team] }
  ndjson/events: { path: "${join(dir, 'events.ndjson')}", lanes: [events] }
  ndjson/incidents: { path: "${join(dir, 'incidents.ndjson')}", lanes: [incidents] }
  webhook/ops: { url: "${alertUrl}", delivery: { buffer_dir: "${join(dir, 'notify')}" } }
storage: {}
service:
  pipelines:
    genai:
      receivers: [otlp]
      processors: [normalize, trace_assembler, detectors, classifier, incidents]
      exporters: [postgres, prometheus, ndjson/events, ndjson/incidents, webhook/ops]
`,
    { database: db.database },
  );
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await new Promise((r) => alerts?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('text PostgreSQL cannot store, from every source', () => {
  it('stores every event and incident of hostile spans and log records, and dead-letters nothing', async () => {
    // The labelled set (every category, content included) with hostile free text, so detectors
    // still read it; the vocabulary fixtures with every string and key hostile, names too in a copy.
    const labelled = labelledSetSpans().map((s) => hostileSpan(s, { mode: 'text' }));
    const fixtures = fixtureSpans().map((s) => hostileSpan(s));
    const named = retrace(fixtureSpans(), 'dead0000').map((s) => hostileSpan(s, { names: true }));
    const logs: OtlpLogRecord[] = [
      ...fixtureLogRecords().map((r) => hostileLogRecord(r, 'text')),
      ...fixtureLogRecords().map((r) => hostileLogRecord({ ...r, traceId: `dead0000${r.traceId.slice(8)}` })),
    ];

    // OTLP/JSON carries lone surrogates as \uXXXX escapes; protobuf carries NUL (UTF-8 cannot hold a
    // lone surrogate, so the sender's encoder already replaced those).
    for (let i = 0; i < labelled.length; i += 200) {
      await post('/v1/traces', 'application/json', JSON.stringify(encodeTracesJson(labelled.slice(i, i + 200))));
    }
    await post('/v1/traces', 'application/json', JSON.stringify(encodeTracesJson([...fixtures, ...named])));
    await post('/v1/traces', 'application/x-protobuf', encodeTracesProtobuf(retrace(fixtures, 'beef0000')));
    await post('/v1/logs', 'application/json', JSON.stringify(encodeLogsJson(logs)));

    // Quiet once what the exporters were handed has stopped growing and PostgreSQL holds it.
    const count = async (table: string) => Number((await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    let last = -1;
    for (let stable = 0; stable < 4;) {
      await new Promise((r) => setTimeout(r, 250));
      const n = ndjson('events.ndjson').length + ndjson('incidents.ndjson').length + (await count('failure_events'));
      stable = n === last ? stable + 1 : 0;
      last = n;
    }

    const events = ndjson('events.ndjson');
    const updates = ndjson('incidents.ndjson') as { incident: { incident_id: string }; transition: { transition_id: string } }[];
    expect(events.length).toBeGreaterThan(200);
    expect(new Set(events.map((e) => e.category))).toEqual(new Set(['security', 'provider', 'quality', 'cost', 'data']));
    expect(updates.length).toBeGreaterThan(20);
    expect(await count('dead_letters')).toBe(0);

    const stored = await db.pool.query('SELECT failure_id FROM failure_events');
    const storedIds = new Set(stored.rows.map((r) => r.failure_id as string));
    expect([...new Set(events.map((e) => e.failure_id as string))].filter((id) => !storedIds.has(id))).toEqual([]);
    const incidents = await db.pool.query('SELECT incident_id FROM incidents');
    const incidentIds = new Set(incidents.rows.map((r) => r.incident_id as string));
    expect([...new Set(updates.map((u) => u.incident.incident_id))].filter((id) => !incidentIds.has(id))).toEqual([]);
    const transitions = await db.pool.query('SELECT transition_id FROM incident_transitions');
    const transitionIds = new Set(transitions.rows.map((r) => r.transition_id as string));
    expect([...new Set(updates.map((u) => u.transition.transition_id))].filter((id) => !transitionIds.has(id))).toEqual([]);

    // The characters were replaced, not dropped: U+FFFD marks where they were, in columns and jsonb.
    const marked = async (sql: string) => Number((await db.pool.query(sql)).rows[0].n);
    expect(await marked(`SELECT count(*) AS n FROM failure_events WHERE model LIKE '%\ufffd%'`)).toBeGreaterThan(0);
    expect(await marked(`SELECT count(*) AS n FROM failure_events WHERE team LIKE '%\ufffd%'`)).toBeGreaterThan(0);
    expect(await marked(`SELECT count(*) AS n FROM failure_events WHERE evidence::text LIKE '%\ufffd%'`)).toBeGreaterThan(0);
    expect(await marked(`SELECT count(*) AS n FROM incidents WHERE title LIKE '%\ufffd%'`)).toBeGreaterThan(0);
    expect(events.some((e) => JSON.stringify(e).includes('\ufffd'))).toBe(true);
    for (const e of [...events, ...updates]) expect(holdsUnstorable(e)).toBe(false);

    const metrics = await (await fetch(agent.metricsUrl)).text();
    expect(metrics).toContain('\ufffd');
    expect(hasUnstorable(metrics)).toBe(false);
  });

  it('stores the failure of a span whose model, provider, team and route are a megabyte long', async () => {
    const huge = 'm'.repeat(1024 * 1024);
    const input = span({
      ...e2RateLimited.input,
      traceId: 'b1900000000000000000000000000001',
      spanId: 'b190000000000001',
      attributes: {
        ...e2RateLimited.input.attributes,
        'gen_ai.request.model': huge,
        'gen_ai.system': huge,
        'metadata.user_api_key_team_alias': huge,
        'metadata.user_api_key_team_id': huge,
        'http.route': huge,
      },
    });
    await post('/v1/traces', 'application/x-protobuf', encodeTracesProtobuf([input]));
    // PostgreSQL refused such a row (54000: index row size exceeds the btree maximum) before
    // identifiers were cut where they enter the model.
    await expect
      .poll(
        async () =>
          (await db.pool.query(`SELECT length(model) AS n FROM failure_events WHERE trace_id = 'b1900000000000000000000000000001'`)).rows[0]
            ?.n,
        {
          timeout: 20_000,
        },
      )
      .toBe(256);
    expect(Number((await db.pool.query('SELECT count(*) AS n FROM dead_letters')).rows[0].n)).toBe(0);
  });

  it('sends alert bodies without NUL or lone surrogates', async () => {
    await expect.poll(() => alertBodies.length, { timeout: 20_000 }).toBeGreaterThan(0);
    for (const body of alertBodies) {
      expect(holdsUnstorable(JSON.parse(body))).toBe(false);
    }
  });
});
