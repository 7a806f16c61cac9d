// Issue 7's end-to-end proof: a real Prometheus scrapes the agent on loopback every second while
// the failure-case fixture is replayed through the OTLP receiver in rounds; then every query of
// every Grafana panel and every alert rule expression must return data through Prometheus's HTTP
// API, every alert rule must be pending or firing, the rules must pass `promtool check rules`,
// and a scrape must pass `promtool check metrics`. Run by `npm run test:e2e`, which installs
// Prometheus when missing.
//
// The agent meets the trouble those expressions watch for, for real: its postgres exporter writes
// to a PostgreSQL that is not there (a closed loopback port), so batches spill to a SQLite buffer
// that an earlier run left 20 minutes of records in, and one of them rots on disk; one very long
// call keeps the only detector worker busy while a burst of ordinary calls fills its queue.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Sqlite from 'better-sqlite3';
import pino from 'pino';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILURE_CASES } from '../fixtures/otlp/failure-cases.ts';
import { encodeTracesJson } from '../../agent/receivers/otlp-wire/encode-json.ts';
import { openSpillBuffer } from '../../agent/delivery/spill/index.ts';
import { createDatabase, type Database } from '../../agent/store/database.ts';
import { encodeItem } from '../../exporters/postgres/export-item.ts';
import { failureEvent } from '../support/failure-event-builder.ts';
import { DEFAULT_START_MS, span, type SpanInput } from '../support/span-builder.ts';
import { startAgentUnderTest, type AgentUnderTest } from '../support/agent-under-test.ts';
import { postOtlp } from '../support/otlp-post.ts';
import { pickFreePort } from '../../agent/store/tcp-port.ts';
import { sloRuleGroups } from '../../agent/tools/slo-rules.ts';
import { SloConfig } from '../../processors/slo/config.ts';

const RULES = resolve('deploy/prometheus/faultline-alerts.yml');
const DASHBOARDS = resolve('deploy/grafana/dashboards');
/** The e2e agent's SLOs: availability over every request, paged as agent.yaml pages it. */
const SLOS = SloConfig.parse({
  objectives: [{ name: 'availability', sli: { kind: 'availability' }, objective: 0.995 }],
  evaluation_interval_ms: 1000,
  restore: false,
});

interface Query {
  where: string;
  expr: string;
}

interface RuleQuery extends Query {
  alert: string;
}

let agent: AgentUnderTest;
let database: Database;
let workDir: string;
let prometheus: ChildProcess;
let prometheusUrl: string;
let prometheusLog = '';
/** `faultline slo rules` for SLOS, loaded next to RULES. */
let sloRulesFile: string;
const refusedAnswers: number[] = [];
/** The instant (Unix seconds) every expression is evaluated at: every alert rule was active then. */
let evaluatedAt: number;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nprometheus log:\n${prometheusLog.slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function promQuery(expr: string, time?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const at = time === undefined ? '' : `&time=${time}`;
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}${at}`);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result;
}

// The fixture's LiteLLM 503, moved to a provider whose every call fails: a provider outage.
const OUTAGE_CASE = FAILURE_CASES.find((c) => c.name === 'litellm v1: provider 503')!;
const outageSpan = (i: number): SpanInput => {
  const s = OUTAGE_CASE.spans[0];
  return {
    ...s,
    spanId: `0a7a6e00000000${i.toString(16).padStart(2, '0')}`,
    attributes: {
      ...s.attributes,
      'gen_ai.system': 'mistral',
      'error.llm_provider': 'mistral',
      'gen_ai.request.model': 'mistral-large-latest',
    },
  };
};

/** One replay round: the failure-case fixture plus the outage, fresh trace ids, times 10 s later each round. */
function round(n: number): string {
  const cases = [...FAILURE_CASES.map((c) => c.spans), Array.from({ length: 6 }, (_, i) => outageSpan(i))];
  const spans = cases.flatMap((caseSpans, i) =>
    caseSpans.map((s: SpanInput) =>
      span({
        ...s,
        traceId: `e2e0${n.toString(16).padStart(4, '0')}${i.toString(16).padStart(24, '0')}`,
        startMs: (s.startMs ?? DEFAULT_START_MS) + n * 10_000,
      }),
    ),
  );
  return JSON.stringify(encodeTracesJson(spans));
}

// The fixture's timeout, moved to the same provider: what an outage does to the calls that do not fail fast.
const TIMEOUT_CASE = FAILURE_CASES.find((c) => c.name === 'litellm v1-2026: timeout')!;

/**
 * An outage happening now, so the correlator's cluster is active when Prometheus is queried (the
 * rounds are dated 2026-01-01; their clusters close at the correlator's first check): six 503s and
 * three timeouts on one provider, one common-cause cluster with the timeouts as its effect. Three
 * healthy calls on another provider at the same time give the baseline a current window (its
 * deviation ratio: the window p95 over the baseline p95).
 */
function outageNow(): string {
  const nowMs = Date.now();
  const failures = [
    ...Array.from({ length: 6 }, (_, i) => ({ ...outageSpan(0x40 + i), startMs: nowMs - 30_000 + i * 2_000 })),
    ...Array.from({ length: 3 }, (_, i) => {
      const s = TIMEOUT_CASE.spans[0];
      return {
        ...s,
        spanId: `0b7a6e00000000${i.toString(16).padStart(2, '0')}`,
        startMs: nowMs - 25_000 + i * 2_000 - (s.durationMs ?? 0),
        attributes: {
          ...s.attributes,
          'gen_ai.system': 'mistral',
          'error.llm_provider': 'mistral',
          'gen_ai.request.model': 'mistral-large-latest',
        },
      };
    }),
  ];
  const healthy = Array.from({ length: 3 }, (_, i) => ({
    name: 'litellm_request',
    scope: 'litellm',
    resource: { 'service.name': 'litellm' },
    spanId: `0b7a6e10000000${i.toString(16).padStart(2, '0')}`,
    startMs: nowMs - 20_000 + i * 2_000,
    durationMs: 1_200 + i * 100,
    attributes: {
      'gen_ai.system': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'llm.request.type': 'acompletion',
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.usage.output_tokens': 60,
      'gen_ai.response.finish_reasons': '["stop"]',
    },
  }));
  return JSON.stringify(
    encodeTracesJson([...failures, ...healthy].map((s, i) => span({ ...s, traceId: `c0441e${i.toString(16).padStart(26, '0')}` }))),
  );
}

const post = (body: string) =>
  fetch(`${agent.otlpHttp}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** A successful chat call with captured content, as LiteLLM reports it; its answer is checked in the worker. */
function chatSpan(traceNo: number, context: string, answer: string): SpanInput {
  const messages = [
    { role: 'user', parts: [{ type: 'text', content: 'Summarise the documents the tool returned, please.' }] },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: context }] },
  ];
  return {
    name: 'litellm_request',
    scope: 'litellm',
    resource: { 'service.name': 'litellm' },
    traceId: `c0de${traceNo.toString(16).padStart(28, '0')}`,
    spanId: `c0de${traceNo.toString(16).padStart(12, '0')}`,
    startMs: DEFAULT_START_MS + 200_000 + traceNo,
    attributes: {
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'llm.request.type': 'acompletion',
      'gen_ai.usage.input_tokens': Math.ceil(context.length / 4) + 12,
      'gen_ai.usage.output_tokens': Math.ceil(answer.length / 4),
      'gen_ai.input.messages': JSON.stringify(messages),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: answer }], finish_reason: 'stop' }]),
      'gen_ai.response.finish_reasons': '["stop"]',
      'metadata.user_api_key_team_id': 'team-42',
    },
  };
}

/**
 * One call whose entity check takes the worker many seconds: an answer naming thousands of
 * distinct people, each looked up in a 1 MB retrieved context that mentions none of them.
 */
function longCall(): SpanInput {
  const letters = 'bcdfghjklmnpqrstvwxz';
  const surname = (i: number) =>
    Array.from({ length: 4 }, (_, k) => letters[Math.floor(i / letters.length ** k) % letters.length]).join('');
  const answer = Array.from({ length: 12_000 }, (_, i) => `met Zora ${surname(i).replace(/^./, (c) => c.toUpperCase())}`).join(', ');
  return chatSpan(0, 'zora zora '.repeat(100_000), `According to the records, the team ${answer}.`);
}

/** Ordinary calls, each a language and an entity check for the worker (the tool result is their context). */
function ordinaryCalls(n: number): SpanInput[] {
  return Array.from({ length: n }, (_, i) =>
    chatSpan(i + 1, 'Revenue grew in every region last year.', 'Revenue grew in every region last year, the report says.'),
  );
}

/** The spill file an earlier run left: records appended 20 minutes ago, still waiting for PostgreSQL. */
function leftoverSpillFile(path: string): void {
  const { buffer } = openSpillBuffer({ path, maxBytes: 1e8, synchronous: 'FULL', logger: pino({ level: 'silent' }) });
  buffer.append(
    Array.from({ length: 40 }, (_, i) => encodeItem({ lane: 'events', value: failureEvent(i) })),
    Date.now() - 20 * 60_000,
  );
  buffer.close();
}

/** Bit rot under the running agent: the oldest buffered record no longer matches its checksum. */
function rotOldestRecord(path: string): void {
  const raw = new Sqlite(path);
  const changed = raw
    .prepare(`UPDATE records SET record = replace(record, '"k":"e"', '"k":"E"') WHERE seq = (SELECT min(seq) FROM records)`)
    .run().changes;
  raw.close();
  expect(changed).toBe(1);
}

/** The lines of one scrape of the agent. */
async function scrapeLines(): Promise<string[]> {
  return (await (await fetch(agent.metricsUrl)).text()).split('\n');
}

/** One sample's value in a scrape of the agent, e.g. `name{label="value"}`. */
async function scrapeValue(series: string): Promise<number | undefined> {
  const line = (await scrapeLines()).find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Unix seconds, one second ago: every scrape and rule evaluation stamped before it has landed. */
const settledNow = () => Date.now() / 1000 - 1;

beforeAll(async () => {
  for (const tool of ['prometheus', 'promtool']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
    if (!found)
      throw new Error(`${tool} is not installed: run this test through \`npm run test:e2e\`, which installs Debian's prometheus package.`);
  }
  const dir = (workDir = mkdtempSync(join(tmpdir(), 'faultline-prometheus-')));
  const spillPath = join(dir, 'spill', 'postgres.sqlite');
  leftoverSpillFile(spillPath);
  // PostgreSQL is down for the whole run: nothing listens on this port.
  database = createDatabase({
    url: `postgres://faultline@127.0.0.1:${await pickFreePort()}/faultline`,
    logger: pino({ level: 'silent' }),
    connectTimeoutMs: 1_000,
  });
  // One worker with the default queue (1,024 checks); content limits raised so one long call can
  // occupy it (defaults cap a call's checks at a fraction of a second). The burst leaves the trace
  // assembler as one batch: in batches of 256, each waits out its check budget behind the long call
  // and the queue fills over ~20 s, too slowly to be sure of within the wait below.
  agent = await startAgentUnderTest(
    `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors:
  normalize: { max_content_chars: 1048576 }
  trace_assembler: { wait_ms: 1, flush_interval_ms: 50, max_batch_items: 2048 }
  detectors: { quality: { workers: { threads: 1 }, grounding: { max_scan_chars: 262144, max_context_chars: 1048576 } } }
  baseline: { flush_interval_ms: 1000, restore: false }
  classifier: {}
  slo: ${JSON.stringify(SLOS)}
  correlator: {}
  incidents: {}
  impact: { restore: false }
exporters:
  prometheus: { labels: [requested_model, team] }
  postgres: { write_timeout_ms: 1000, retry: { initial_interval_ms: 200, max_interval_ms: 500 }, spill: { path: "${spillPath}" } }
storage: {}
service: { pipelines: { genai: { receivers: [otlp], processors: [normalize, trace_assembler, detectors, baseline, classifier, slo, correlator, incidents, impact], exporters: [prometheus, postgres] } } }
`,
    { database },
  );

  // A second target nobody serves: one node's agent is down (FaultlineAgentDown must see it).
  const deadAgent = await pickFreePort();
  const port = await pickFreePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  sloRulesFile = join(dir, 'slo-rules.yml');
  writeFileSync(sloRulesFile, stringifyYaml({ groups: sloRuleGroups(SLOS) }, { aliasDuplicateObjects: false }));
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 900ms }
rule_files: ["${RULES}", "${sloRulesFile}"]
scrape_configs:
  - job_name: faultline
    static_configs: [{ targets: ["${new URL(agent.metricsUrl).host}", "127.0.0.1:${deadAgent}"] }]
`,
  );
  prometheus = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  prometheus.stdout!.on('data', (c: Buffer) => (prometheusLog += c.toString('utf8')));
  prometheus.stderr!.on('data', (c: Buffer) => (prometheusLog += c.toString('utf8')));
  await until('Prometheus to be ready', async () => ((await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined));
  await until('the first scrape of the agent', async () => ((await promQuery('up{job="faultline"} == 1')).length === 1 ? true : undefined));

  // Replay: rounds a second apart, so every counter is seen before and after it grows. In the
  // middle, intake closes as a full spill buffer would close it, and the refused spans count;
  // and a buffered record rots, once the loss counter has been scraped at 0.
  for (let n = 0; n < 8; n++) {
    const res = await post(round(n));
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    if (n === 2) rotOldestRecord(spillPath);
    if (n === 4) {
      agent.pipelines.backpressure.hold('postgres', 'The spill buffer is at its byte cap.', 1);
      const refused = await post(round(100));
      refusedAnswers.push(refused.status);
      await refused.arrayBuffer();
      agent.pipelines.backpressure.release('postgres');
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }

  const outage = await post(outageNow());
  expect(outage.status).toBe(200);
  await outage.arrayBuffer();
  // Through the whole chain before the long call comes: in the trace assembler's batch with it,
  // these calls would wait out its checks, and the alerts below could all be active before them.
  await until('the calls of now to reach the baseline gauges', async () =>
    (await scrapeLines()).some((l) => l.startsWith('llm_provider_deviation_ratio{') && l.includes('metric="latency_p95"'))
      ? true
      : undefined,
  );

  // The long call first, then ordinary calls queued behind it until the queue is full.
  const long = await post(JSON.stringify(encodeTracesJson([span(longCall())])));
  expect(long.status).toBe(200);
  await long.arrayBuffer();
  await until('the long call to be in the worker', async () =>
    (await scrapeValue('faultline_detector_queue_depth{check="entities"}')) === 1 ? true : undefined,
  );
  // Sent as an OTLP exporter sends it: while the long call's batch waits out its check budget the
  // trace assembler's release is behind and intake answers 503 + Retry-After (a loaded machine
  // hits that moment); the retry a second later still finds the long call in the worker.
  const burst = await postOtlp(
    `${agent.otlpHttp}/v1/traces`,
    'application/json',
    JSON.stringify(encodeTracesJson(ordinaryCalls(1_100).map((s) => span(s)))),
    {
      maxRetries: 5,
    },
  );
  expect(burst.status, burst.body).toBe(200);

  // Every rule active at one instant; the checks below evaluate every expression at it.
  const alerts = ruleQueries().map((q) => q.alert);
  let inactive = alerts;
  evaluatedAt = await until(
    'every alert rule to be pending or firing',
    async () => {
      const t = settledNow();
      const active = new Set((await promQuery('ALERTS', t)).map((r) => r.metric.alertname));
      inactive = alerts.filter((a) => !active.has(a));
      return inactive.length === 0 ? t : undefined;
    },
    60_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message.split('\n')[0]}; still inactive: ${inactive.join(', ')}`, { cause: err });
  });
}, 180_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((r) => prometheus.once('exit', r));
    prometheus.kill('SIGTERM');
    await exited; // before its data directory goes
  }
  await agent?.stop();
  await database?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function dashboardQueries(): Query[] {
  const out: Query[] = [];
  for (const file of readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))) {
    const d = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as {
      panels: { title: string; type: string; targets?: { expr: string }[] }[];
    };
    for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: `${file}: ${p.title}`, expr: t.expr });
  }
  return out;
}

/** What Grafana substitutes: "All" for the multi-value variables, a rate window over 1 s scrapes. */
function substitute(expr: string): string {
  return expr
    .replace(/\$__rate_interval/g, '1m')
    .replace(/\$__range/g, '5m')
    .replace(/\$\{?(provider|category|instance)\}?/g, '.*');
}

function ruleQueries(): RuleQuery[] {
  const doc = parseYaml(readFileSync(RULES, 'utf8')) as { groups: { name: string; rules: { alert: string; expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ where: `${g.name}: ${r.alert}`, alert: r.alert, expr: r.expr })));
}

/** The queries that return nothing at the instant every alert rule was active. */
async function withoutData(queries: Query[]): Promise<string[]> {
  const empty: string[] = [];
  for (const q of queries) {
    const result = await promQuery(substitute(q.expr), evaluatedAt);
    if (result.length === 0) empty.push(`${q.where}: ${q.expr}`);
  }
  return empty;
}

describe('metrics, dashboards and alert rules against a real Prometheus', () => {
  it('closed intake during the replay as a full spill buffer would (503)', () => {
    expect(refusedAnswers).toEqual([503]);
  });

  it('returns data for every query of every dashboard panel', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(40);
    expect(await withoutData(queries)).toEqual([]);
  });

  it('returns data for every dashboard variable query', async () => {
    for (const file of readdirSync(DASHBOARDS).filter((f) => f.endsWith('.json'))) {
      const d = JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as {
        templating: { list: { type: string; name: string; query: unknown }[] };
      };
      for (const v of d.templating.list.filter((x) => x.type === 'query')) {
        const m = /^label_values\((\w+), (\w+)\)$/.exec((v.query as { query: string }).query)!;
        const res = (await (await fetch(`${prometheusUrl}/api/v1/label/${m[2]}/values?match[]=${m[1]}`)).json()) as { data: string[] };
        expect(res.data.length, `${file}: $${v.name}`).toBeGreaterThan(0);
      }
    }
  });

  it('returns data for every alert rule expression (each alert would fire on this replay)', async () => {
    const queries = ruleQueries();
    expect(queries.length).toBeGreaterThanOrEqual(8);
    expect(await withoutData(queries)).toEqual([]);
  });

  it('loads every rule group with healthy rules, every alert pending or firing at once', async () => {
    const res = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const ours = new Set(ruleQueries().map((q) => q.where.split(': ')[0]));
    const rules = res.data.groups.filter((g) => ours.has(g.name)).flatMap((g) => g.rules);
    expect(rules.length).toBe(ruleQueries().length);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    const states = new Map((await promQuery('ALERTS', evaluatedAt)).map((r) => [r.metric.alertname, r.metric.alertstate]));
    const quiet = rules.filter((r) => !states.has(r.name)).map((r) => r.name);
    expect(quiet).toEqual([]);
    // Rules without `for:` fire at once; the rest wait out their `for:` (minutes) while pending.
    expect(states.get('FaultlineBufferLostRecords')).toBe('firing');
    expect(states.get('FaultlineDetectorQueueDropping')).toBe('firing');
    expect(states.get('FaultlineSecurityP1')).toBe('firing');
  });

  it('loads the rules of faultline slo rules, healthy, with Sloth’s series recorded from the agent’s SLO counters', async () => {
    const res = (await (await fetch(`${prometheusUrl}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; file: string; rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const slo = res.data.groups.filter((g) => g.file === sloRulesFile);
    expect(slo.map((g) => g.name).sort()).toEqual(
      sloRuleGroups(SLOS)
        .map((g) => g.name)
        .sort(),
    );
    const rules = slo.flatMap((g) => g.rules);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
    for (const series of [
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate1h',
      'slo:current_burn_rate:ratio',
      'slo:objective:ratio',
    ]) {
      const found = await until(`${series} to be recorded`, async () => {
        const r = await promQuery(`${series}{sloth_slo="availability",sloth_service="genai"}`);
        return r.length > 0 ? r : undefined;
      });
      expect(found[0].metric.sloth_id).toBe('genai-availability');
    }
  });

  it('passes promtool check rules', () => {
    const r = spawnSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('passes promtool check metrics on a scrape of the agent', async () => {
    const scrape = await (await fetch(agent.metricsUrl)).text();
    expect(scrape).toContain('genai_failure_events_total');
    const r = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
