// The API never returns raw prompt or answer text. The labelled set (every category; prompts and
// answers with PII, secrets, injections, refusals, hallucinations, system prompts) and the span
// fixtures go through the real chain into PostgreSQL, then every failure and incident is read back
// through every route and page; no stretch of any captured prompt, answer, system prompt,
// retrieval query or document appears in any answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { TelemetryItem } from '../../../agent/core/model/llm-call.ts';
import { buildPipelines } from '../../../agent/core/pipeline/build.ts';
import { registry } from '../../../agent/registry.ts';
import { parseConfig } from '../../../config/load.ts';
import { withTestSchema } from '../../support/database.ts';
import { fixtureLogRecords, fixtureSpans, labelledSetSpans } from '../../support/fixture-corpus.ts';
import { createNormalize } from '../../processors/normalize/run-normalize.ts';
import { startApi, type StartedApi } from './api-under-test.ts';

const db = withTestSchema();
/** Shorter stretches can be a model name or a number an event rightly names. */
const PROBE_CHARS = 24;

/** Stretches of every text the calls captured: start, middle and end of each. */
function contentProbes(items: readonly TelemetryItem[]): string[] {
  const texts: string[] = [];
  for (const item of items) {
    if (item.kind === 'llm' && item.content) {
      const c = item.content;
      texts.push(c.systemPrompt ?? '', c.outputText ?? '');
      for (const m of [...c.inputMessages, ...c.outputMessages]) for (const p of m.parts) texts.push(p.content ?? '');
    }
    if (item.kind === 'retrieval') texts.push(item.query ?? '', ...item.documents.map((d) => d.content ?? ''));
  }
  const probes = new Set<string>();
  for (const t of texts) {
    const text = t.trim();
    if (text.length < PROBE_CHARS) continue;
    const middle = Math.floor((text.length - PROBE_CHARS) / 2);
    for (const at of [0, middle, text.length - PROBE_CHARS]) probes.add(text.slice(at, at + PROBE_CHARS));
  }
  return [...probes];
}

let api: StartedApi;
let probes: string[] = [];

beforeAll(async () => {
  const spans = [...labelledSetSpans(), ...fixtureSpans()];
  const logs = fixtureLogRecords();
  probes = contentProbes((await (await createNormalize()).process(createBatch({ spans, logs }))).calls);

  const dir = mkdtempSync(join(tmpdir(), 'faultline-no-content-'));
  const config = parseConfig(
    `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors: { normalize: {}, trace_assembler: {}, detectors: {}, classifier: {}, incidents: {} }
exporters: { postgres: { spill: { path: "${join(dir, 'spill.sqlite')}" } } }
storage: {}
service:
  pipelines:
    genai: { receivers: [otlp], processors: [normalize, trace_assembler, detectors, classifier, incidents], exporters: [postgres] }
`,
    registry,
    { env: {} },
  );
  const lastMs = Math.max(...spans.map((s) => Number(s.endTimeUnixNano / 1_000_000n)));
  const time = createManualTime(Math.min(...spans.map((s) => Number(s.startTimeUnixNano / 1_000_000n))));
  const pipelines = await buildPipelines(config, {
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    database: db.database,
  });
  await pipelines.start();
  await pipelines.consume('genai', createBatch({ spans, logs }));
  await time.advanceTo(lastMs + 3_600_000);
  await pipelines.shutdown();
  rmSync(dir, { recursive: true, force: true });
  api = await startApi(db.database, { pageSizes: { default: 100, max: 1000 } });
}, 180_000);

/** Every page of a list route, each item also fetched alone. */
async function readAll(list: string, idField: string, itemRoute: string): Promise<{ bodies: string[]; items: Record<string, unknown>[] }> {
  const bodies: string[] = [];
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${api.base}${list}?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    bodies.push(text);
    const page = JSON.parse(text) as { data: Record<string, unknown>[]; next_cursor: string | null };
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  for (const item of items) {
    const res = await fetch(`${api.base}${itemRoute}/${String(item[idField])}`);
    expect(res.status).toBe(200);
    bodies.push(await res.text());
  }
  return { bodies, items };
}

describe('what the API exposes', () => {
  it('returns no stretch of any captured prompt, answer, system prompt, query or document', async () => {
    expect(probes.length).toBeGreaterThan(300);
    const failures = await readAll('/api/v1/failures', 'failure_id', '/api/v1/failures');
    const incidents = await readAll('/api/v1/incidents', 'incident_id', '/api/v1/incidents');
    const categories = new Set(failures.items.map((f) => f.category));
    expect(categories).toEqual(new Set(['security', 'provider', 'quality', 'cost', 'data']));
    expect(incidents.items.length).toBeGreaterThan(10);

    // The same text with JSON's escapes undone, so a probe cannot hide behind \" or \n.
    const exposed = [...failures.bodies, ...incidents.bodies].map((b) => JSON.stringify(JSON.parse(b)));
    const decoded = exposed.map((b) => b.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\'));
    const leaked = probes.filter((p) => decoded.some((b) => b.includes(p)));
    expect(leaked).toEqual([]);
  });
});
