// The API over events the real pipeline produced: the failure-case spans go through normalize,
// trace_assembler, detectors and classifier, and an exporter writes each FailureEvent to
// failure_events with the shared row mapping (a stand-in for the postgres exporter, which lands
// separately; once it is merged this test should run it instead).
import pino from 'pino';
import { z } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTelemetryFile } from '../../../agent/cli/read-telemetry-file.ts';
import { createManualTime } from '../../../agent/core/clock.ts';
import { defineExporter } from '../../../agent/core/component.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { buildPipelines, type AgentPipelines } from '../../../agent/core/pipeline/build.ts';
import { registry } from '../../../agent/registry.ts';
import { FAILURE_EVENT_COLUMNS, failureEventToParams } from '../../../agent/store/failure-event-row.ts';
import { parseConfig } from '../../../config/load.ts';
import { FAILURE_CASES_JSON } from '../../fixtures/otlp/generate-failure-cases.ts';
import { withTestSchema } from '../../support/database.ts';
import { startApi } from './api-under-test.ts';

const db = withTestSchema();
let pipelines: AgentPipelines;
const emitted: FailureEvent[] = [];

const eventRows = defineExporter({
  type: 'event_rows',
  description: 'Writes FailureEvents to failure_events (test stand-in for the postgres exporter).',
  configSchema: z.strictObject({}),
  create: (_config, ctx) => ({
    async export(batch) {
      const placeholders = FAILURE_EVENT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
      for (const event of batch.events) {
        emitted.push(event);
        await ctx.database!.pool.query(
          `INSERT INTO failure_events (${FAILURE_EVENT_COLUMNS.join(', ')}) VALUES (${placeholders}) ON CONFLICT (failure_id, occurred_at) DO NOTHING`,
          failureEventToParams(event, ctx.id),
        );
      }
    },
  }),
});

const CONFIG = `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors: { normalize: {}, trace_assembler: {}, detectors: {}, classifier: {} }
exporters: { event_rows: {} }
service:
  pipelines:
    genai: { receivers: [otlp], processors: [normalize, trace_assembler, detectors, classifier], exporters: [event_rows] }
`;

beforeAll(async () => {
  const config = parseConfig(CONFIG, [...registry, eventRows], { env: {} });
  const { spans } = readTelemetryFile(FAILURE_CASES_JSON);
  const firstMs = Math.min(...spans.map((s) => Number(s.endTimeUnixNano / 1_000_000n)));
  const lastMs = Math.max(...spans.map((s) => Number(s.endTimeUnixNano / 1_000_000n)));
  const time = createManualTime(firstMs);
  pipelines = await buildPipelines(config, {
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    database: db.database,
  });
  await pipelines.start();
  await pipelines.consume('genai', createBatch({ spans }));
  // Past trace_assembler's wait, so every held trace is released through the classifier.
  await time.advanceTo(lastMs + 60_000);
  expect(emitted.length).toBeGreaterThanOrEqual(40);
});

describe('the API over events the pipeline wrote', () => {
  it('reports ready once the pipeline has started and the database answers', async () => {
    const api = await startApi(db.database, { health: pipelines.health });
    expect((await api.get('/readyz')).status).toBe(200);
  });

  it('returns every written event once, across pages, newest first', async () => {
    const api = await startApi(db.database, { health: pipelines.health });
    const seen: FailureEvent[] = [];
    let cursor: string | null = null;
    do {
      const res = await api.get(`/api/v1/failures?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.data);
      cursor = res.body.next_cursor;
    } while (cursor);
    const byId = (a: FailureEvent, b: FailureEvent) => a.failure_id.localeCompare(b.failure_id);
    expect([...seen].sort(byId)).toEqual([...emitted].sort(byId));
    const times = seen.map((e) => Date.parse(e.timestamp));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters what the classifier wrote by category and subtype', async () => {
    const api = await startApi(db.database, { health: pipelines.health });
    const res = await api.get('/api/v1/failures?category=provider&subtype=rate_limited');
    expect(res.body.data.length).toBeGreaterThan(0);
    expect(res.body.data.every((e: FailureEvent) => e.category === 'provider' && e.subtype === 'rate_limited')).toBe(true);
    const quality = await api.get('/api/v1/failures?category=quality');
    expect(quality.body.data.length).toBeGreaterThan(0);
    expect(quality.body.data.every((e: FailureEvent) => e.category === 'quality')).toBe(true);
  });

  it('returns a written event by id exactly as the pipeline made it', async () => {
    const api = await startApi(db.database, { health: pipelines.health });
    const { body: page } = await api.get('/api/v1/failures?limit=1&category=provider');
    const one = await api.get(`/api/v1/failures/${page.data[0].failure_id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(page.data[0]);
  });
});
