import { describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { Incident, IncidentUpdate } from '../../../agent/core/model/incident.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { startIncidents } from '../../support/incidents-harness.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const outage = (n: number, ms: number, overrides: Record<string, unknown> = {}) => failureEvent(n, { timestamp: at(ms), ...overrides });
const kinds = (updates: IncidentUpdate[]) => updates.map((u) => u.transition.kind);

/** n outage events, one every stepMs from startMs, in batches of batchSize. */
function stream(n: number, startMs: number, stepMs: number, batchSize: number, overrides: Record<string, unknown> = {}) {
  const events = Array.from({ length: n }, (_, i) => outage(i + 1, startMs + i * stepMs, overrides));
  const batches = [];
  for (let i = 0; i < events.length; i += batchSize) batches.push(events.slice(i, i + batchSize));
  return batches;
}

describe('incidents processor', () => {
  it('groups 1,000 failures of one provider outage into one incident that resolves once after the quiet period', async () => {
    const h = await startIncidents({ quiet_period_ms: 300_000, escalation: { enabled: false } });
    for (const batch of stream(1_000, 0, 100, 50)) await h.feed(batch);
    await h.advanceTo(T0 + 99_900 + 299_000);
    expect(kinds(h.updates).filter((k) => k !== 'updated')).toEqual(['opened']);
    await h.advanceTo(T0 + 99_900 + 320_000);

    const ids = new Set(h.updates.map((u) => u.incident.incident_id));
    expect(ids.size).toBe(1);
    expect(kinds(h.updates).filter((k) => k !== 'updated')).toEqual(['opened', 'resolved']);
    const last = h.updates.at(-1)!;
    expect(Incident.parse(last.incident)).toMatchObject({
      state: 'resolved',
      category: 'provider',
      subtype: 'outage',
      provider: 'openai',
      model: 'gpt-4o',
      event_count: 1_000,
      affected_requests: 1_000,
      first_seen_at: at(0),
      last_seen_at: at(99_900),
      resolved_at: at(99_900 + 300_000),
    });
    expect(last.incident.evidence_sample.length).toBeGreaterThan(0);
    expect(last.incident.evidence_sample.length).toBeLessThanOrEqual(5);
    // Every member is linked exactly once across the updates.
    const members = h.updates.flatMap((u) => u.new_members.map((m) => m.failure_id));
    expect(members).toHaveLength(1_000);
    expect(new Set(members).size).toBe(1_000);
    // Revisions increase with every update.
    const revisions = h.updates.map((u) => u.incident.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(new Set(revisions).size).toBe(revisions.length);
    for (const u of h.updates) IncidentUpdate.parse(u);
  });

  it('keeps an outage and an overlapping cost spike apart: two incidents', async () => {
    const h = await startIncidents();
    const events = [];
    for (let i = 0; i < 20; i++) {
      events.push(outage(i + 1, i * 1_000));
      events.push(outage(100 + i, i * 1_000 + 500, { category: 'cost', subtype: 'token_spike', severity: 'P3' }));
    }
    await h.feed(events);
    const opened = h.updates.filter((u) => u.transition.kind === 'opened');
    expect(opened.map((u) => [u.incident.category, u.incident.subtype, u.incident.event_count])).toEqual(
      expect.arrayContaining([
        ['provider', 'outage', 20],
        ['cost', 'token_spike', 20],
      ]),
    );
    expect(opened).toHaveLength(2);
    expect(opened[0].incident.fingerprint).not.toBe(opened[1].incident.fingerprint);
  });

  it('emits at most one updated transition per incident per batch', async () => {
    const h = await startIncidents();
    await h.feed([outage(1, 0)]);
    const out = await h.feed(Array.from({ length: 10 }, (_, i) => outage(2 + i, 1_000 + i)));
    expect(kinds(out)).toEqual(['updated']);
    expect(out[0].new_members).toHaveLength(10);
    expect(out[0].incident.event_count).toBe(11);
  });

  it('opens a new incident when an event arrives after the quiet period, even before the check runs', async () => {
    const h = await startIncidents({ quiet_period_ms: 60_000, check_interval_ms: 3_600_000 });
    await h.feed([outage(1, 0)]);
    const out = await h.feed([outage(2, 120_000)]);
    expect(kinds(out)).toEqual(['resolved', 'opened']);
    expect(out[0].incident.resolved_at).toBe(at(60_000));
    expect(out[1].incident.incident_id).not.toBe(out[0].incident.incident_id);
  });

  it('raises the incident to the severity of a more severe member and says from what', async () => {
    const h = await startIncidents();
    await h.feed([outage(1, 0, { severity: 'P3' })]);
    const [u] = await h.feed([outage(2, 1_000, { severity: 'P1' })]);
    expect(u.incident).toMatchObject({ severity: 'P1', initial_severity: 'P3' });
    expect(u.transition.detail).toMatchObject({ severity_from: 'P3' });
    expect(u.incident.title).toMatch(/^P1 provider outage on openai gpt-4o: 2 events, 2 requests$/);
  });

  it('escalates a sustained lower-severity stream one level after the configured duration, once', async () => {
    const h = await startIncidents({
      quiet_period_ms: 120_000,
      check_interval_ms: 10_000,
      escalation: { after_ms: 600_000, min_events: 10 },
    });
    for (const batch of stream(120, 0, 10_000, 6, { severity: 'P3' })) await h.feed(batch);
    const escalations = h.updates.filter((u) => u.transition.kind === 'escalated');
    expect(escalations).toHaveLength(1);
    expect(escalations[0].incident).toMatchObject({ severity: 'P2', initial_severity: 'P3', escalated_at: at(600_000) });
    expect(escalations[0].transition.detail).toMatchObject({ severity_from: 'P3', reason: 'sustained' });
  });

  it('does not escalate a stream that stops before the escalation duration', async () => {
    const h = await startIncidents({ quiet_period_ms: 60_000, escalation: { after_ms: 600_000, min_events: 5 } });
    for (const batch of stream(30, 0, 10_000, 5, { severity: 'P3' })) await h.feed(batch);
    await h.advanceTo(T0 + 2_000_000);
    expect(kinds(h.updates).filter((k) => k !== 'updated')).toEqual(['opened', 'resolved']);
  });

  it('groups by the configured fields: per team for cost when asked', async () => {
    const h = await startIncidents({ group_by_category: { cost: ['subtype', 'team'] } });
    const team = (t: string) => ({
      category: 'cost',
      subtype: 'token_spike',
      impact_scope: { requests: 1, users: 1, teams: 1, team: t, route: null, recovered: null },
    });
    await h.feed([
      outage(1, 0, team('search')),
      outage(2, 10, team('ads')),
      outage(3, 20, team('search')),
      outage(4, 30, { model: 'gpt-4o-mini', ...team('ads') }),
    ]);
    const opened = h.updates.filter((u) => u.transition.kind === 'opened');
    expect(opened.map((u) => u.incident.scope)).toEqual([
      { subtype: 'token_spike', team: 'search' },
      { subtype: 'token_spike', team: 'ads' },
    ]);
    expect(opened.map((u) => u.incident.event_count)).toEqual([2, 2]);
    expect(opened[0].incident).toMatchObject({ provider: '*', model: null });
  });

  it('names the runbook of the category: configured URL, or base URL + runbook name', async () => {
    const h = await startIncidents({
      runbooks: { provider: 'https://wiki.example.com/llm-failover' },
      runbook_base_url: 'https://runbooks.example.com/genai/',
    });
    await h.feed([
      outage(1, 0),
      outage(2, 0, { category: 'security', subtype: 'prompt_injection', severity: 'P1' }),
      outage(3, 0, { category: 'data', subtype: 'stale_index', severity: 'P3' }),
    ]);
    const urls = Object.fromEntries(h.updates.map((u) => [u.incident.category, u.incident.runbook_url]));
    expect(urls).toEqual({
      provider: 'https://wiki.example.com/llm-failover',
      security: 'https://runbooks.example.com/genai/lockdown',
      data: 'https://runbooks.example.com/genai/reindex',
    });
  });

  it('ignores events less severe than min_severity and passes every event through', async () => {
    const h = await startIncidents({ min_severity: 'P3' });
    const events = [
      outage(1, 0, { severity: 'P4', subtype: 'rate_limit_headroom_low' }),
      outage(2, 0, { severity: 'P3', subtype: 'rate_limited' }),
    ];
    const out = await h.processor.process(createBatch({ events }));
    expect(out.events).toEqual(events);
    expect(out.incidents.map((u) => u.incident.subtype)).toEqual(['rate_limited']);
  });

  it('counts attempts of one request once and keeps distinct evidence in the sample', async () => {
    const h = await startIncidents({ evidence_samples: 2 });
    const trace = 'ab'.repeat(16);
    const out = await h.feed([
      outage(1, 0, { trace_id: trace, evidence: { status_code: 503 } }),
      outage(2, 10, { trace_id: trace, evidence: { status_code: 503 } }),
      outage(3, 20, { evidence: { status_code: 502 } }),
      outage(4, 30, { evidence: { status_code: 500 } }),
    ]);
    expect(out[0].incident).toMatchObject({ event_count: 4, affected_requests: 3 });
    expect(out[0].incident.evidence_sample.map((s) => s.evidence)).toEqual([{ status_code: 503 }, { status_code: 502 }]);
  });

  it('resolves the least recently seen incident early when more than max_open are open', async () => {
    const h = await startIncidents({ max_open: 2 });
    await h.feed([outage(1, 0, { subtype: 'timeout' })]);
    await h.feed([outage(2, 10, { subtype: 'overloaded' })]);
    await h.feed([outage(3, 20, { subtype: 'timeout' })]); // timeout is now the most recently seen
    const out = await h.feed([outage(4, 30, { subtype: 'outage' })]);
    expect(out.map((u) => [u.transition.kind, u.incident.subtype, u.transition.detail.reason])).toEqual([
      ['resolved', 'overloaded', 'capacity'],
      ['opened', 'outage', undefined],
    ]);
  });

  it('leaves open incidents open at shutdown', async () => {
    const h = await startIncidents();
    await h.feed([outage(1, 0)]);
    await h.processor.shutdown?.();
    await h.advanceTo(T0 + 3_600_000);
    expect(kinds(h.updates)).toEqual(['opened']);
  });
});
