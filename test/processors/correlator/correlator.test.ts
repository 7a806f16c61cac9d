import { describe, expect, it } from 'vitest';
import { CorrelationUpdate } from '../../../agent/core/model/correlation.ts';
import { CAUSAL_RULES } from '../../../processors/correlator/causal-rules.ts';
import { CorrelatorConfig } from '../../../processors/correlator/config.ts';
import { createCorrelator } from '../../../processors/correlator/correlate.ts';
import { startCorrelation } from '../../support/correlation-harness.ts';
import {
  background,
  batches,
  budgetBreach,
  call,
  eventOn,
  fallbackCascade,
  merge,
  outage,
  T0,
  windowEvent,
  type Stream,
} from '../../support/failure-streams.ts';

const MIN = 60_000;
const kinds = (members: { category: string; subtype: string; provider: string; model: string | null }[]) =>
  members.map((m) => `${m.category}/${m.subtype} ${m.provider} ${m.model ?? ''}`.trim());

async function correlate(stream: Stream, sliceMs = 5_000, config: Record<string, unknown> = {}) {
  const h = await startCorrelation({ incidents: false, correlator: config });
  await h.feedAll(batches(stream, sliceMs));
  return h;
}

describe('correlator', () => {
  it('links a fallback cascade into one cluster rooted at the primary timeout, the fallback quality failures its effects', async () => {
    const cascade = fallbackCascade({ fromMs: 2 * MIN, requests: 40, everyMs: 4_000 });
    const h = await correlate(merge(cascade, { events: [], calls: background(0, 6 * MIN, 500, [['openai', 'gpt-4o-mini']]) }));
    const clusters = h.clusters();
    expect(clusters).toHaveLength(1);
    const [c] = clusters;
    expect(c.root_cause).toMatchObject({ category: 'provider', subtype: 'timeout', provider: 'openai', model: 'gpt-4o' });
    expect(c.cluster_type).toBe('cascade');
    expect(c.event_count).toBe(cascade.events.length);
    const hallucination = c.members.find((m) => m.subtype === 'hallucination')!;
    expect(hallucination).toMatchObject({ relation: 'same_trace', count: 20, model: 'gpt-4o-mini' });
    // The window-level regression has no trace: the fallback the traces showed (gpt-4o → gpt-4o-mini) links it.
    expect(c.members.find((m) => m.subtype === 'regression')).toMatchObject({ relation: 'causal', rule: 'fallback' });
    expect(c.strength).toBeGreaterThan(0.6);
    for (const u of h.correlations) CorrelationUpdate.parse(u);
  });

  it('keeps an overload of one provider and another team budget breach in the same minutes apart', async () => {
    const overload = outage({
      fromMs: MIN,
      requests: 60,
      everyMs: 3_000,
      provider: 'anthropic',
      models: ['claude-sonnet-4-5'],
      subtype: 'overloaded',
    });
    const breach = budgetBreach({ fromMs: 90_000, team: 'team-analytics', spikes: 9, refusals: 30, everyMs: 3_000 });
    const h = await correlate(merge(overload, breach, { events: [], calls: background(0, 5 * MIN, 400) }));
    const roots = h.clusters().map((c) => `${c.root_cause.category}/${c.root_cause.subtype}`);
    expect(roots.sort()).toEqual(['cost/budget_exceeded', 'provider/overloaded']);
    const budget = h.clusters().find((c) => c.root_cause.subtype === 'budget_exceeded')!;
    // The team's spending is the breach's story; the overload's failures (that team's among them) are not.
    expect(budget.members.every((m) => m.category === 'cost')).toBe(true);
    expect(budget.event_count).toBe(39);
  });

  it('compresses an outage over two models of one provider into one common-cause cluster', async () => {
    const s = outage({ fromMs: MIN, requests: 300, everyMs: 600, provider: 'openai', models: ['gpt-4o', 'gpt-4o-mini'] });
    const h = await correlate(s);
    const clusters = h.clusters();
    expect(clusters).toHaveLength(1);
    expect(clusters[0]).toMatchObject({ cluster_type: 'common_cause', event_count: 300 });
    expect(clusters[0].root_cause).toMatchObject({ subtype: 'outage', provider: 'openai', model: 'gpt-4o' });
    expect(kinds(clusters[0].members)).toEqual(['provider/outage openai gpt-4o', 'provider/outage openai gpt-4o-mini']);
  });

  it('ranks a provider state change above a latency symptom that showed first', async () => {
    const slow = outage({
      fromMs: MIN,
      requests: 10,
      everyMs: 2_000,
      provider: 'openai',
      models: ['gpt-4o'],
      subtype: 'latency_degradation',
    });
    const down = outage({ fromMs: MIN + 25_000, requests: 10, everyMs: 2_000, provider: 'openai', models: ['gpt-4o-mini'] });
    const [c] = (await correlate(merge(slow, down))).clusters();
    expect(c.root_cause).toMatchObject({ subtype: 'outage', model: 'gpt-4o-mini' });
    expect(c.members[1]).toMatchObject({ subtype: 'latency_degradation', relation: 'causal', rule: 'provider_state' });
  });

  it('makes a model update the root of the hallucinations it caused, though they were found first', async () => {
    const calls = background(0, 4 * MIN, 1_000);
    const halluc = calls
      .filter((_, i) => i % 5 === 0 && i > 60)
      .map((c) => eventOn(c, { category: 'quality', subtype: 'hallucination', provider: 'openai', model: 'gpt-4o' }));
    const update = windowEvent(3 * MIN, {
      category: 'quality',
      subtype: 'regression',
      provider: 'openai',
      model: 'gpt-4o',
      evidence: { response_model_before: 'gpt-4o-2024-08-06', response_model_after: 'gpt-4o-2026-02-14' },
    });
    const [c] = (await correlate({ events: [...halluc, update], calls })).clusters();
    expect(c.root_cause).toMatchObject({ subtype: 'regression', model: 'gpt-4o' });
    expect(c.members[1]).toMatchObject({ subtype: 'hallucination', rule: 'model_update' });
  });

  it('gathers attacks on one team across models into a campaign, listing what the attacked calls also showed', async () => {
    const calls = background(0, 5 * MIN, 500, [
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude-sonnet-4-5'],
    ]);
    const attacked = calls.filter((c, i) => c.identity.team === 'team-support' && i % 3 === 0);
    const events = attacked.map((c, i) =>
      eventOn(c, {
        category: 'security',
        subtype: i % 4 === 0 ? 'jailbreak' : 'prompt_injection',
        provider: c.provider,
        model: c.requestModel,
        secondary: i % 2 === 0 ? [{ category: 'cost', subtype: 'token_spike', detection_method: 'token_ratio' }] : [],
      }),
    );
    const clusters = (await correlate({ events, calls })).clusters();
    expect(clusters).toHaveLength(1);
    expect(clusters[0].cluster_type).toBe('campaign');
    expect(clusters[0].root_cause.category).toBe('security');
    expect(clusters[0].members.filter((m) => m.relation === 'same_call').map((m) => m.subtype)).toContain('token_spike');
  });

  it('roots a surge at the spend spike seen only as a secondary match on the rate-limited calls it caused', async () => {
    const calls = background(0, 4 * MIN, 500, [['openai', 'gpt-4o-mini']]);
    const limited = calls.filter((_, i) => i > 120 && i % 4 === 0);
    const events = limited.map((c, i) =>
      eventOn(c, {
        category: 'provider',
        subtype: 'rate_limited',
        provider: 'openai',
        model: 'gpt-4o-mini',
        secondary: i % 3 === 0 ? [{ category: 'cost', subtype: 'spend_spike', detection_method: 'baseline' }] : [],
      }),
    );
    const [c] = (await correlate({ events, calls })).clusters();
    expect(c.root_cause).toMatchObject({ category: 'cost', subtype: 'spend_spike', provider: 'openai', model: 'gpt-4o-mini' });
    expect(c.root_cause.carried_by).toMatchObject({ category: 'provider', subtype: 'rate_limited' });
    const limitedMember = c.members.find((m) => m.subtype === 'rate_limited')!;
    expect(limitedMember).toMatchObject({ relation: 'causal', rule: 'volume_surge', carried_by: null });
    expect(c.members[0].carried_by).toBe(c.members.indexOf(limitedMember));
  });

  it('links a secondary match to the kinds that join after it: a spend spike seen first on a low-headroom call', async () => {
    const calls = background(0, 4 * MIN, 500, [['openai', 'gpt-4o-mini']]);
    const [first, ...rest] = calls.filter((_, i) => i > 120 && i % 4 === 0);
    const spendOnHeadroom = eventOn(first, {
      category: 'provider',
      subtype: 'rate_limit_headroom_low',
      provider: 'openai',
      model: 'gpt-4o-mini',
      secondary: [{ category: 'cost', subtype: 'spend_spike', detection_method: 'baseline' }],
    });
    const limited = rest.map((c) =>
      eventOn(c, { category: 'provider', subtype: 'rate_limited', provider: 'openai', model: 'gpt-4o-mini' }),
    );
    const [c] = (await correlate({ events: [spendOnHeadroom, ...limited], calls })).clusters();
    expect(c.root_cause).toMatchObject({ category: 'cost', subtype: 'spend_spike' });
    expect(c.members.find((m) => m.subtype === 'rate_limited')).toMatchObject({ relation: 'causal', rule: 'volume_surge' });
  });

  it('links the same failure on two providers by time only when their shared team singles them out', async () => {
    // A revoked key of one team: auth errors on both providers it calls.
    const calls = background(0, 4 * MIN, 300, [
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude-sonnet-4-5'],
    ]);
    const failing = calls.filter((c) => c.identity.team === 'team-checkout' && c.timing.endMs - T0 > MIN);
    const events = failing.map((c) =>
      eventOn(c, { category: 'provider', subtype: 'auth_error', provider: c.provider, model: c.requestModel }),
    );
    const teamScoped = (await correlate({ events, calls })).clusters();
    expect(teamScoped).toHaveLength(1);
    expect(teamScoped[0].cluster_type).toBe('temporal');

    // The same two failures, but spread over every team and sharing only the route all traffic takes.
    const spread = calls.filter((c, i) => i % 3 === 1 && c.timing.endMs - T0 > MIN);
    const apart = spread.map((c) =>
      eventOn(c, { category: 'provider', subtype: 'auth_error', provider: c.provider, model: c.requestModel }),
    );
    expect((await correlate({ events: apart, calls })).clusters()).toHaveLength(2);
  });

  it('names a cluster the same whatever the batches: the root failure and the window start', async () => {
    const s = fallbackCascade({ fromMs: 2 * MIN, requests: 20, everyMs: 3_000 });
    const a = (await correlate(s, 1_000)).clusters();
    const b = (await correlate(s, 30_000)).clusters();
    expect(a.map((c) => c.cluster_id)).toEqual(b.map((c) => c.cluster_id));
    expect(a[0].cluster_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('publishes nothing for a lone failure', async () => {
    const c = call({ ms: MIN, provider: 'openai', model: 'gpt-4o', team: 'team-search', outcome: 'error' });
    const h = await correlate({
      events: [eventOn(c, { category: 'provider', subtype: 'timeout', provider: 'openai', model: 'gpt-4o' })],
      calls: [c],
    });
    expect(h.correlations).toEqual([]);
  });

  it('closes a cluster after a quiet window, and the same failure later starts a new cluster', async () => {
    const h = await startCorrelation({ incidents: false, correlator: { window_ms: 120_000, check_interval_ms: 5_000 } });
    await h.feedAll(batches(outage({ fromMs: MIN, requests: 10, everyMs: 1_000, provider: 'openai', models: ['gpt-4o'] }), 5_000));
    await h.advanceTo(T0 + MIN + 9_000 + 125_000);
    const closed = h.correlations.at(-1)!.cluster;
    expect(closed).toMatchObject({ state: 'closed', closed_at: new Date(T0 + MIN + 9_000 + 120_000).toISOString() });
    await h.feedAll(batches(outage({ fromMs: 10 * MIN, requests: 5, everyMs: 1_000, provider: 'openai', models: ['gpt-4o'] }), 5_000));
    const ids = new Set(h.correlations.map((u) => u.cluster.cluster_id));
    expect(ids.size).toBe(2);
  });

  it('merges two clusters a failure bridges, keeping the larger one and marking the other merged into it', async () => {
    // Two models of one provider failing in different ways, then the provider goes down: the outage explains both.
    const timeouts = outage({ fromMs: MIN, requests: 12, everyMs: 2_000, provider: 'openai', models: ['gpt-4o'], subtype: 'timeout' });
    const limited = outage({
      fromMs: MIN,
      requests: 6,
      everyMs: 4_000,
      provider: 'openai',
      models: ['gpt-4o-mini'],
      subtype: 'rate_limited',
    });
    const down = outage({ fromMs: MIN + 30_000, requests: 4, everyMs: 1_000, provider: 'openai', models: ['o3'] });
    const h = await correlate(merge(timeouts, limited, down));
    const merged = h.correlations.filter((u) => u.cluster.state === 'merged');
    expect(merged.length).toBeGreaterThan(0);
    const [survivor] = h.clusters();
    expect(h.clusters()).toHaveLength(1);
    expect(merged.every((u) => u.cluster.merged_into === survivor.cluster_id)).toBe(true);
    expect(survivor.root_cause).toMatchObject({ subtype: 'outage', model: 'o3' });
    expect(survivor.event_count).toBe(22);
  });

  it('continues a restored cluster: a new kind of symptom after a restart joins it under the same id', async () => {
    const s = fallbackCascade({ fromMs: 2 * MIN, requests: 20, everyMs: 3_000 });
    const before = await correlate({ events: s.events.filter((e) => e.subtype !== 'regression'), calls: s.calls });
    const [stored] = before.clusters();
    // A fresh engine given what the store holds (the cluster's newest revision), as at a start.
    const engine = createCorrelator({
      windowMs: 300_000,
      maxClusters: 100,
      maxKindsPerCluster: 64,
      maxTraces: 1000,
      maxTrafficShare: 0.5,
      rules: CAUSAL_RULES,
    });
    engine.restore([stored]);
    const regression = s.events.find((e) => e.subtype === 'regression')!;
    const updates = engine.process([regression], []);
    expect(updates).toHaveLength(1);
    expect(updates[0].cluster.cluster_id).toBe(stored.cluster_id);
    expect(updates[0].cluster.members.find((m) => m.subtype === 'regression')).toMatchObject({ rule: 'fallback' });
    expect(updates[0].cluster.revision).toBe(stored.revision + 1);
  });
});

describe('correlator configuration', () => {
  it('rejects an unknown rule name and an unknown key', async () => {
    expect(CorrelatorConfig.safeParse({ disabled_rules: ['fallbacks'] }).success).toBe(false);
    expect(CorrelatorConfig.safeParse({ window: 5 }).success).toBe(false);
    expect(CorrelatorConfig.parse({})).toMatchObject({ window_ms: 300_000, max_traffic_share: 0.5, restore: true });
  });

  it('leaves out a disabled rule', async () => {
    const s = fallbackCascade({ fromMs: 2 * MIN, requests: 10, everyMs: 3_000 });
    const [c] = (await correlate(s, 5_000, { disabled_rules: ['fallback'] })).clusters();
    expect(c.members.find((m) => m.subtype === 'regression')).toBeUndefined();
  });
});
