// Semantic fuzzing of the whole chain: well-formed OTLP requests built from real span shapes of
// every vocabulary, their GenAI attributes and span fields mutated (genai-mutations.ts), sent over
// HTTP to an agent running normalize → trace_assembler → detectors → classifier → incidents →
// postgres + prometheus, on a manual clock so each request's events are written before the next.
// Per request: an answer (200, or a 400 naming the field), nothing dead-lettered, no component
// error, no span passed over as unreadable. At the end: the heap is back near where it started and
// a canary failure sent afterwards reaches the API.
//   FUZZ_RUNS=N (default 500 in npm test); FUZZ_SEED=… FUZZ_PATH=… replay a failure; FUZZ_NO_SHRINK=1 stops at the
//   first one; FUZZ_TRACE=file logs each case and its time; FUZZ_HEAP_SNAPSHOT=file writes the heap after
//   the runs; `npm run fuzz` runs 100,000.
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { writeHeapSnapshot } from 'node:v8';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapMibAfterGc } from '../../support/heap-after-gc.ts';
import { createApiServer, type ApiServer } from '../../../agent/api/server.ts';
import { createManualTime, type ManualTime } from '../../../agent/core/clock.ts';
import type { OtlpSpan } from '../../../agent/core/model/otlp.ts';
import { encodeLogsJson, encodeTracesJson } from '../../../agent/receivers/otlp-wire/encode-json.ts';
import { encodeTracesProtobuf } from '../../../agent/receivers/otlp-wire/encode-traces-protobuf.ts';
import { openAiOverloaded503 } from '../../fixtures/spans/litellm-failures.ts';
import { e2RateLimited } from '../../fixtures/spans/litellm-v1.ts';
import { bytes, concat, field } from '../receivers/otlp-wire/wire.ts';
import { readStatus } from '../../agent/receivers/otlp/wire.ts';
import { HttpProtocolConfig } from '../../../agent/receivers/otlp/config.ts';
import { startAgentUnderTest, type AgentUnderTest } from '../../support/agent-under-test.ts';
import { withTestSchema } from '../../support/database.ts';
import { span } from '../../support/span-builder.ts';
import { buildRequest, fuzzCaseArb, loadCorpus, type FuzzCase } from './genai-mutations.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED = process.env.FUZZ_SEED === undefined ? (Date.now() ^ (Math.random() * 0x100000000)) | 0 : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;
/** Event time advanced per request: past trace_assembler's wait, so each request's trace is released. */
const STEP_MS = 1_000;
/** Spans per request, as the OpenTelemetry BatchSpanProcessor sends them. */
const BATCH_SPANS = 512;
/** Heap the whole run may keep (after a full GC) over what it held after the warm-up requests. */
const HEAP_GROWTH_LIMIT_MIB = 96;

const db = withTestSchema();
let agent: AgentUnderTest;
let api: ApiServer;
let apiBase = '';
let time: ManualTime;
let now = Date.UTC(2026, 10, 2, 8, 0, 0);
let dir = '';
const logs: { level: number; msg: string; err?: { type?: string; message?: string } }[] = [];

const CONFIG = (spillPath: string) => `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors:
  normalize: {}
  trace_assembler: { wait_ms: 100, flush_interval_ms: 50 }
  # Expensive quality checks inline, as classify runs them: a failure replays by its seed alone.
  detectors: { quality: { workers: { threads: 0 } } }
  classifier: {}
  incidents: {}
exporters:
  postgres: { spill: { path: "${spillPath}" } }
  prometheus: { labels: [requested_model, team] }
storage: {}
service:
  pipelines:
    genai:
      receivers: [otlp]
      processors: [normalize, trace_assembler, detectors, classifier, incidents]
      exporters: [postgres, prometheus]
`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faultline-fuzz-'));
  loadCorpus();
  time = createManualTime(now);
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'warn' }, sink);
  agent = await startAgentUnderTest(CONFIG(join(dir, 'spill.sqlite')), { database: db.database, time, logger });
  api = createApiServer(
    { endpoint: '127.0.0.1:0', auth: { bearer_token: '' } },
    { database: db.database, health: agent.pipelines.health, logger, pageSizes: { default: 100, max: 1000 } },
  );
  apiBase = `http://127.0.0.1:${(await api.listen()).port}`;
}, 120_000);

afterAll(async () => {
  await api?.close();
  await agent?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function post(
  path: string,
  contentType: string,
  body: string | Uint8Array,
): Promise<{ status: number; text: string; bytes: Uint8Array }> {
  const res = await fetch(`${agent.otlpHttp}${path}`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, text: new TextDecoder().decode(bytes), bytes };
}

function encode(spans: OtlpSpan[], encoding: FuzzCase['encoding']): [string, string | Uint8Array] {
  return encoding === 'json'
    ? ['application/json', JSON.stringify(encodeTracesJson(spans))]
    : ['application/x-protobuf', encodeTracesProtobuf(spans)];
}

/** A 400 must say where: the request path of the offending field (JSON or protobuf naming). */
const NAMES_A_FIELD = /resource(?:Spans|Logs)\[\d+\]|resource_(?:spans|logs)\[\d+\]/;

/** The receiver's body limit as configured here (the default): a bigger body is refused with 413. */
const MAX_BODY_BYTES = HttpProtocolConfig.parse({}).max_request_body_bytes;

function expectAnswered(r: { status: number; text: string }, what: string, bodyBytes = 0): void {
  if (r.status === 200) return;
  if (bodyBytes > MAX_BODY_BYTES) {
    // Ten thousand spans of 200 KB strings make 512-span requests of 100 MB, as an SDK would send them.
    expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBe(413);
    expect(r.text, `${what}: a 413 says the limit`).toContain(`larger than the limit of ${MAX_BODY_BYTES} bytes`);
    return;
  }
  expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBe(400);
  expect(r.text, `${what}: a 400 names the field`).toMatch(NAMES_A_FIELD);
}

const byteLength = (body: string | Uint8Array) => (typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);

const count = async (table: string) => Number((await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
const componentErrors = () =>
  agent.pipelines
    .stats()
    .filter((s) => s.errors > 0)
    .map((s) => `${s.kind} ${s.id}: ${s.errors}`);
/** Logs that mean a bug: a span normalize could not read, a failed batch, an error of any kind. */
const troubling = (from: number) =>
  logs.slice(from).filter((l) => l.level >= 50 || /could not be read|failed a batch|dead.?letter/i.test(l.msg));
/** Dead letters written after the first `from`, with why PostgreSQL refused them. */
const deadLettersAfter = async (from: number) =>
  (await db.pool.query('SELECT record_type, error_code, reason FROM dead_letters ORDER BY failed_at, dead_letter_id OFFSET $1', [from]))
    .rows;

let runId = 0;

const describeValue = (v: unknown): string =>
  typeof v === 'string'
    ? `string(${v.length}):${JSON.stringify(v.slice(0, 40))}`
    : Array.isArray(v)
      ? `array(${v.length})`
      : typeof v === 'object' && v !== null
        ? v instanceof Uint8Array
          ? 'bytes'
          : 'kvlist'
        : String(v);
const describeCase = (c: FuzzCase) =>
  JSON.stringify({
    shape: c.shape,
    enc: c.encoding,
    tree: c.tree,
    repeat: c.repeat,
    res: c.resource.map(([k, v]) => `${k}=${describeValue(v)}`),
    m: c.mutations.map((m) => ({
      a: m.attributes.map(([k, v]) => `${k}=${describeValue(v)}`),
      t: m.time,
      s: m.statusMessage === null ? null : describeValue(m.statusMessage),
      n: m.name,
      e: m.exception === null ? null : describeValue(m.exception),
    })),
    logs: c.logs?.map(describeValue),
  });

async function runCase(c: FuzzCase): Promise<void> {
  const started = performance.now();
  if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `case ${runId + 1}: ${describeCase(c)}\n`);
  try {
    await runCaseInner(c);
  } finally {
    const ms = performance.now() - started;
    if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `took ${Math.round(ms)} ms\n`);
  }
}

async function runCaseInner(c: FuzzCase): Promise<void> {
  const deadBefore = await count('dead_letters');
  const errorsBefore = componentErrors();
  const logsBefore = logs.length;
  runId++;
  now += STEP_MS;
  const { spans, logs: records } = buildRequest(c, runId, now);
  // A huge trace goes as an SDK sends it: BatchSpanProcessor requests of at most 512 spans.
  for (let i = 0; i < spans.length; i += BATCH_SPANS) {
    const [contentType, body] = encode(spans.slice(i, i + BATCH_SPANS), c.encoding);
    expectAnswered(await post('/v1/traces', contentType, body), 'traces', byteLength(body));
  }
  if (records.length > 0) {
    const body = JSON.stringify(encodeLogsJson(records));
    expectAnswered(await post('/v1/logs', 'application/json', body), 'logs', byteLength(body));
  }
  await time.advanceTo(now + STEP_MS / 2);
  // Deltas, so an earlier failure does not fail every case fast-check tries while shrinking.
  expect(await deadLettersAfter(deadBefore), 'dead letters').toEqual([]);
  expect(componentErrors(), 'component errors').toEqual(errorsBefore);
  expect(troubling(logsBefore), 'logs').toEqual([]);
}

describe('semantic fuzzing of the whole chain', () => {
  let heapAfterWarmUp = 0;

  it(
    `answers every mutated request and stores or drops its failures cleanly (${RUNS} runs)`,
    async () => {
      // Counterexamples print as a summary (a 1 MB string would bury the report); seed and path replay them.
      const arb = fuzzCaseArb().map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) }));
      // Warm-up: JIT, caches and the first incidents, so the heap reading below is a baseline.
      for (const c of fc.sample(arb, { numRuns: 30, seed: 7 })) await runCase(c);
      heapAfterWarmUp = heapMibAfterGc();
      process.stdout.write(`fuzz: ${RUNS} runs, seed ${SEED}${PATH ? `, path ${PATH}` : ''}\n`);
      try {
        await fc.assert(fc.asyncProperty(arb, runCase), {
          numRuns: RUNS,
          seed: SEED,
          path: PATH,
          endOnFailure: process.env.FUZZ_NO_SHRINK === '1',
        });
      } catch (err) {
        // fast-check's message holds the seed and path; say how to replay it.
        const m = /seed: (-?\d+), path: "([^"]*)"/.exec((err as Error).message);
        if (m) (err as Error).message = `Replay: FUZZ_SEED=${m[1]} FUZZ_PATH="${m[2]}" npm run fuzz\n${(err as Error).message}`;
        throw err;
      }
      process.stdout.write(`fuzz: ${runId} requests, ${await count('failure_events')} events, ${await count('incidents')} incidents\n`);
    },
    RUNS * 400 + 120_000,
  );

  it('keeps no more heap than its bounded state after all runs', () => {
    const growth = heapMibAfterGc() - heapAfterWarmUp;
    // FUZZ_HEAP_SNAPSHOT=file: what the heap holds after the runs, for Chrome DevTools' memory tab.
    if (process.env.FUZZ_HEAP_SNAPSHOT) writeHeapSnapshot(process.env.FUZZ_HEAP_SNAPSHOT);
    process.stdout.write(`fuzz: heap after warm-up ${heapAfterWarmUp.toFixed(1)} MiB, growth after the runs ${growth.toFixed(1)} MiB\n`);
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT_MIB);
  });

  it('takes a trace of 10,000 failing spans in 512-span requests and stores every event', async () => {
    now += STEP_MS;
    const traceId = 'b16a0000000000000000000000000001';
    const before = await count('failure_events');
    const spans = Array.from({ length: 10_000 }, (_, i) =>
      span({
        ...openAiOverloaded503,
        traceId,
        spanId: `b16a${i.toString(16).padStart(12, '0')}`,
        startMs: now - 2_000 + (i % 1000),
        durationMs: 900,
      }),
    );
    for (let i = 0; i < spans.length; i += BATCH_SPANS) {
      const r = await post('/v1/traces', ...encode(spans.slice(i, i + BATCH_SPANS), i % 1024 === 0 ? 'json' : 'protobuf'));
      expect(r.status, r.text).toBe(200);
    }
    await time.advanceTo(now + STEP_MS / 2);
    expect(await count('failure_events')).toBeGreaterThanOrEqual(before + 10_000);
    expect(await count('dead_letters')).toBe(0);
    expect(componentErrors()).toEqual([]);
  }, 300_000);

  it('answers AnyValue nested 5,000 deep with a 400 naming the field, in JSON and protobuf, and keeps answering', async () => {
    const depth = 5_000;
    const deepJson = `${'{"arrayValue":{"values":['.repeat(depth)}{"stringValue":"deep"}${']}}'.repeat(depth)}`;
    const json = `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"${'d'.repeat(32)}","spanId":"${'d'.repeat(16)}","name":"chat","attributes":[{"key":"deep","value":${deepJson}}]}]}]}]}`;
    const viaJson = await post('/v1/traces', 'application/json', json);
    expect(viaJson.status).toBe(400);
    expect(viaJson.text).toMatch(/resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.attributes\[0\]\.value/);

    let value = field(1, bytes('deep'));
    for (let i = 0; i < depth; i++) value = field(5, field(1, value));
    const spanBytes = concat(
      field(1, new Uint8Array(16).fill(0xdd)),
      field(2, new Uint8Array(8).fill(0xdd)),
      field(5, bytes('chat')),
      field(9, concat(field(1, bytes('deep')), field(2, value))),
    );
    const viaProtobuf = await post('/v1/traces', 'application/x-protobuf', field(1, field(2, field(2, spanBytes))));
    expect(viaProtobuf.status).toBe(400);
    expect(readStatus(Buffer.from(viaProtobuf.bytes)).message).toMatch(
      /resource_spans\[0\]\.scope_spans\[0\]\.spans\[0\]\.attributes\[0\]\.value/,
    );
    expectAnswered(await post('/v1/traces', ...encode([span({ traceId: 'd'.repeat(32), spanId: 'e'.repeat(16) })], 'protobuf')), 'after');
  });

  it('passes a canary failure sent afterwards through to the API', async () => {
    now += STEP_MS;
    const traceId = 'ca0a4177000000000000000000000001';
    const canary = span({ ...e2RateLimited.input, traceId, spanId: 'ca0a417700000001', startMs: now - 900, durationMs: 850 });
    expectAnswered(await post('/v1/traces', ...encode([canary], 'protobuf')), 'canary');
    await time.advanceTo(now + STEP_MS / 2);
    const res = await fetch(
      `${apiBase}/api/v1/failures?category=provider&subtype=rate_limited&from=${new Date(now - 60_000).toISOString()}`,
    );
    expect(res.status).toBe(200);
    const page = (await res.json()) as { data: { trace_id: string; provider: string }[] };
    expect(page.data.map((e) => e.trace_id)).toContain(traceId);
    expect(await count('dead_letters')).toBe(0);
  });
});
