// /api/v1/baselines and /api/v1/baselines/compare over profiles the baseline processor learned
// and the postgres exporter's writer stored, from two agents.
import { beforeAll, describe, expect, it } from 'vitest';
import type { BaselineSnapshot } from '../../../agent/core/model/baseline.ts';
import { writeItems } from '../../../exporters/postgres/write-items.ts';
import { withTestSchema } from '../../support/database.ts';
import { calls, HOUR, MONDAY, runOnEventTime } from '../../processors/baseline/traffic.ts';
import { startApi } from './api-under-test.ts';

const START = MONDAY + 8 * HOUR;

describe('GET /api/v1/baselines', () => {
  const db = withTestSchema();
  let claude: BaselineSnapshot;

  const store = (snapshots: BaselineSnapshot[], agent: string) =>
    writeItems(
      db.pool,
      snapshots.map((value) => ({ lane: 'baselines', value })),
      { agentInstance: agent, maxRowsPerStatement: 1_000, statementTimeoutMs: 10_000 },
    );

  beforeAll(async () => {
    // Agent A sees Anthropic and OpenAI for three hours; agent B sees more gpt-4o in the same hours.
    const a = await runOnEventTime(
      { startMs: START },
      calls({ seed: 1, startMs: START, durationMs: 3 * HOUR, rate: 1, medianMs: 2_400 }),
      calls({
        seed: 2,
        startMs: START,
        durationMs: 3 * HOUR,
        rate: 1,
        provider: 'openai',
        model: 'gpt-4o',
        medianMs: 1_800,
        errorRate: 0.02,
      }),
      calls({ seed: 3, startMs: START, durationMs: 3 * HOUR, rate: 0.5, provider: 'openai', model: 'gpt-4o-mini', medianMs: 900 }),
    );
    const fromA = await a.stop();
    await store(fromA, 'agent-a');
    const b = await runOnEventTime(
      { startMs: START },
      calls({
        seed: 4,
        startMs: START,
        durationMs: 3 * HOUR,
        rate: 1,
        provider: 'openai',
        model: 'gpt-4o',
        medianMs: 1_800,
        errorRate: 0.02,
      }),
    );
    await store(await b.stop(), 'agent-b');
    claude = fromA.filter((s) => s.model === 'claude-sonnet-4-5').at(-1)!;
  });

  it('lists every profile in the list envelope, with its figures, zones and readiness', async () => {
    const api = await startApi(db.database);
    const res = await api.get('/api/v1/baselines');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data', 'next_cursor']);
    expect(res.body.next_cursor).toBeNull();
    expect(res.body.data.map((b: { provider: string; model: string }) => `${b.provider}/${b.model}`)).toEqual([
      'anthropic/claude-sonnet-4-5',
      'openai/gpt-4o',
      'openai/gpt-4o-mini',
    ]);
    const item = res.body.data[0];
    expect(item).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      model_class: 'large',
      ready: true,
      samples: claude.samples,
      latency_ms: claude.baseline.latency_ms,
      ttft_ms: { p50: null, p95: null },
      error_rate: { total: claude.baseline.error_rate.total, by_type: {} },
      zones: claude.baseline.zones,
      updated_at: claude.at,
    });
    expect(item.zones.latency_yellow_ms).toBeCloseTo(item.latency_ms.p95 * 1.5, 0);
    expect(item.zones.latency_red_ms).toBeCloseTo(item.latency_ms.p95 * 2, 0);
    expect(item.latency_ms.p95).toBeGreaterThan(item.latency_ms.p50);
    expect(item.tokens_per_request.input).toBeGreaterThan(0);
    expect(item.cost_per_request_usd).toBeGreaterThan(0);
    expect(res.body.data[2].model_class).toBe('small');
  });

  it('filters by provider and model, and pages with a cursor', async () => {
    const api = await startApi(db.database);
    const openai = await api.get('/api/v1/baselines?provider=openai');
    expect(openai.body.data.map((b: { model: string }) => b.model)).toEqual(['gpt-4o', 'gpt-4o-mini']);
    const one = await api.get('/api/v1/baselines?provider=openai&model=gpt-4o');
    expect(one.body.data).toHaveLength(1);
    expect(one.body.data[0].error_rate.by_type.rate_limited).toBeGreaterThan(0);
    const first = await api.get('/api/v1/baselines?limit=2');
    expect(first.body.data).toHaveLength(2);
    const second = await api.get(`/api/v1/baselines?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data.map((b: { model: string }) => b.model)).toEqual(['gpt-4o-mini']);
    expect(second.body.next_cursor).toBeNull();
  });

  it('answers 400 naming a bad parameter', async () => {
    const api = await startApi(db.database);
    const res = await api.get('/api/v1/baselines?cursor=nonsense');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_parameter', parameter: 'cursor' });
    const unknown = await api.get('/api/v1/baselines?colour=red');
    expect(unknown.body.error.parameter).toBe('colour');
  });

  it('compares providers of a class over the same window, adding up both agents', async () => {
    const api = await startApi(db.database);
    const res = await api.get('/api/v1/baselines/compare?model_class=large');
    expect(res.status).toBe(200);
    // Default window: the 24 hours up to the end of the newest stored hour.
    expect(res.body.window).toEqual({
      from: new Date(START + 3 * HOUR - 24 * HOUR).toISOString(),
      to: new Date(START + 3 * HOUR).toISOString(),
    });
    const [anthropic, openai] = res.body.data;
    expect([anthropic.provider, openai.provider]).toEqual(['anthropic', 'openai']);
    expect(openai.models).toEqual(['gpt-4o']);
    const stored = await db.pool.query(
      `SELECT sum(sample_count)::int AS n FROM provider_baselines WHERE provider = 'openai' AND model = 'gpt-4o' AND metric_name = 'error_rate'`,
    );
    expect(openai.requests).toBe(stored.rows[0].n);
    expect(openai.requests).toBeGreaterThan(anthropic.requests * 1.8); // two agents' worth
    expect(openai.error_rate).toBeGreaterThan(0.01);
    expect(anthropic.latency_ms.p95).toBeGreaterThan(openai.latency_ms.p95);
    for (const row of res.body.data) {
      expect(row.cost_per_1k_tokens_usd).toBeGreaterThan(0);
      expect(row.quality_failure_rate).toBe(0);
    }
    const all = await api.get('/api/v1/baselines/compare');
    expect(all.body.data.map((r: { model_class: string; provider: string }) => `${r.model_class}/${r.provider}`)).toEqual([
      'large/anthropic',
      'large/openai',
      'small/openai',
    ]);
    const empty = await api.get(
      `/api/v1/baselines/compare?from=${new Date(START - 10 * HOUR).toISOString()}&to=${new Date(START - 9 * HOUR).toISOString()}`,
    );
    expect(empty.body.data).toEqual([]);
  });
});
