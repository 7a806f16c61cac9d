// GET /api/v1/failures/correlations and /{cluster_id} over clusters the correlator built and the
// postgres exporter's write path stored: a fallback cascade on OpenAI, an Anthropic overload and a
// team's budget breach, twenty minutes apart.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CorrelationUpdate } from '../../../agent/core/model/correlation.ts';
import type { FailureEvent } from '../../../agent/core/model/failure-event.ts';
import { PostgresExporterConfig } from '../../../exporters/postgres/config.ts';
import { writeItems } from '../../../exporters/postgres/write-items.ts';
import { startCorrelation } from '../../support/correlation-harness.ts';
import { withTestSchema } from '../../support/database.ts';
import { background, batches, budgetBreach, fallbackCascade, merge, outage } from '../../support/failure-streams.ts';
import { startApi } from './api-under-test.ts';

const db = withTestSchema();
const MIN = 60_000;
const defaults = PostgresExporterConfig.parse({});

interface Listed {
  cluster_id: string;
  cluster_type: string;
  opened_at: string;
  root_cause: { category: string; subtype: string; provider: string; model: string | null };
  members: { subtype: string; relation: string; count: number }[];
  edge_count: number;
}

let clusterIds: string[];

beforeAll(async () => {
  const stream = merge(
    fallbackCascade({ fromMs: MIN, requests: 20, everyMs: 3_000 }),
    outage({ fromMs: 20 * MIN, requests: 30, everyMs: 2_000, provider: 'anthropic', models: ['claude-sonnet-4-5'], subtype: 'overloaded' }),
    budgetBreach({ fromMs: 40 * MIN, team: 'team-analytics', spikes: 6, refusals: 20, everyMs: 3_000 }),
    { events: [], calls: background(0, 45 * MIN, 2_000) },
  );
  const events: FailureEvent[] = [];
  const correlations: CorrelationUpdate[] = [];
  const h = await startCorrelation({
    incidents: false,
    onOutput: async (batch) => {
      events.push(...batch.events);
      correlations.push(...batch.correlations);
    },
  });
  await h.feedAll(batches(stream, 5_000));
  await writeItems(
    db.pool,
    [
      ...events.map((value) => ({ lane: 'events' as const, value })),
      ...correlations.map((value) => ({ lane: 'correlations' as const, value })),
    ],
    { agentInstance: null, maxRowsPerStatement: defaults.max_rows_per_statement, statementTimeoutMs: defaults.write_timeout_ms },
  );
  clusterIds = h.clusters().map((c) => c.cluster_id);
  expect(clusterIds).toHaveLength(3);
}, 60_000);

describe('GET /api/v1/failures/correlations', () => {
  it('lists the clusters newest first with their root cause and members (the static path wins over /failures/{id})', async () => {
    const api = await startApi(db.database);
    const res = await api.get('/api/v1/failures/correlations');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = res.body.data as Listed[];
    expect(data.map((c) => `${c.root_cause.category}/${c.root_cause.subtype} ${c.root_cause.provider}`)).toEqual([
      'cost/budget_exceeded unknown',
      'provider/overloaded anthropic',
      'provider/timeout openai',
    ]);
    expect(res.body.next_cursor).toBeNull();
    const cascade = data[2];
    expect(cascade.cluster_type).toBe('cascade');
    expect(cascade.members.find((m) => m.subtype === 'hallucination')).toMatchObject({ relation: 'same_trace', count: 10 });
    expect(cascade.edge_count).toBeGreaterThan(10);
  });

  it('filters by provider, type and time, and pages with the cursor without gaps or repeats', async () => {
    const api = await startApi(db.database);
    const roots = async (query: string) =>
      ((await api.get(`/api/v1/failures/correlations?${query}`)).body.data as Listed[]).map((c) => c.root_cause.subtype);
    // Any failure on the provider counts: the breach's team also spent on Anthropic.
    expect(await roots('provider=anthropic')).toEqual(['budget_exceeded', 'overloaded']);
    expect(await roots('provider=google')).toEqual([]);
    expect(await roots('type=cascade')).toEqual(['timeout']);
    expect(await roots('until=2026-11-22T08:10:00Z')).toEqual(['timeout']);
    expect(await roots('since=2026-11-22T08:30:00Z')).toEqual(['budget_exceeded']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.get(`/api/v1/failures/correlations?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.data).toHaveLength(1);
      seen.push(page.body.data[0].cluster_id);
      cursor = page.body.next_cursor;
    } while (cursor !== null && seen.length < 5);
    expect(seen.sort()).toEqual([...clusterIds].sort());
  });

  it('answers 400 naming the parameter for an unknown type or a range that ends before it starts', async () => {
    const api = await startApi(db.database);
    const badType = await api.get('/api/v1/failures/correlations?type=cascading');
    expect(badType.status).toBe(400);
    expect(badType.body.error.parameter).toBe('type');
    const backwards = await api.get('/api/v1/failures/correlations?since=2026-11-22T09:00:00Z&until=2026-11-22T08:00:00Z');
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.parameter).toBe('until');
  });
});

describe('GET /api/v1/failures/correlations/{cluster_id}', () => {
  it('answers the cluster with the edges walked from its root failure, and says when edge_limit cut them', async () => {
    const api = await startApi(db.database);
    const [cascade] = ((await api.get('/api/v1/failures/correlations?type=cascade')).body.data as Listed[]) ?? [];
    const res = await api.get(`/api/v1/failures/correlations/${cascade.cluster_id}`);
    expect(res.status).toBe(200);
    expect(res.body.cluster.cluster_id).toBe(cascade.cluster_id);
    const edges = res.body.edges as { cluster_id: string; relation: string; source_failure_id: string; target_failure_id: string }[];
    expect(edges.length).toBeGreaterThan(10);
    expect(res.body.edges_truncated).toBe(false);
    expect(edges.every((e) => e.cluster_id === cascade.cluster_id)).toBe(true);
    expect(new Set(edges.map((e) => e.relation))).toContain('same_trace');

    const cut = await api.get(`/api/v1/failures/correlations/${cascade.cluster_id}?edge_limit=2`);
    expect(cut.body.edges).toHaveLength(2);
    expect(cut.body.edges_truncated).toBe(true);
  });

  it('answers 404 for an unknown cluster and 400 for a malformed id', async () => {
    const api = await startApi(db.database);
    const unknown = await api.get(`/api/v1/failures/correlations/${'0'.repeat(32)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('/api/v1/failures/correlations');
    const malformed = await api.get('/api/v1/failures/correlations/not-an-id');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.parameter).toBe('cluster_id');
  });
});
