// Incidents after the correlator: an incident carries its cluster and its root incident, and a
// symptom incident opened while its root incident is open pages nothing on its own — the root's
// notification lists it, at the severity of the worst symptom.
import { describe, expect, it } from 'vitest';
import { IncidentUpdate } from '../../../agent/core/model/incident.ts';
import { RouteConfig, routeAction } from '../../../agent/delivery/notify/route.ts';
import { startCorrelation } from '../../support/correlation-harness.ts';
import { background, batches, call, eventOn, fallbackCascade, merge, T0 } from '../../support/failure-streams.ts';
import { startIncidents } from '../../support/incidents-harness.ts';

const MIN = 60_000;
const everyone = RouteConfig.parse(undefined);
const paging = RouteConfig.parse({ severities: ['P1', 'P2'] });

/** incident_id → how many triggers and resolves a receiver with this route would get. */
function notifications(updates: readonly IncidentUpdate[], route = everyone) {
  const out = new Map<string, { trigger: number; resolve: number; what: string }>();
  for (const u of updates) {
    const action = routeAction(u, route);
    if (action === null) continue;
    const i = u.incident;
    const seen = out.get(i.incident_id) ?? { trigger: 0, resolve: 0, what: `${i.category}/${i.subtype} ${i.model}` };
    seen[action] += 1;
    out.set(i.incident_id, seen);
  }
  return [...out.values()];
}

describe('incidents of a correlated cascade', () => {
  it('pages a fallback cascade once: the fallback quality incidents open inhibited and the timeout incident lists them', async () => {
    const h = await startCorrelation({ incidents: { quiet_period_ms: 120_000 } });
    const cascade = fallbackCascade({ fromMs: 2 * MIN, requests: 40, everyMs: 4_000 });
    await h.feedAll(batches(merge(cascade, { events: [], calls: background(0, 6 * MIN, 500, [['openai', 'gpt-4o-mini']]) }), 5_000));
    await h.advanceTo(T0 + 12 * MIN);
    for (const u of h.incidents) IncidentUpdate.parse(u);

    const opened = h.incidents.filter((u) => u.transition.kind === 'opened').map((u) => u.incident);
    expect(opened.map((i) => `${i.subtype} ${i.model}`)).toEqual(['timeout gpt-4o', 'hallucination gpt-4o-mini', 'regression gpt-4o-mini']);
    const [root, ...symptoms] = opened;
    const cluster = h.clusters()[0].cluster_id;
    expect(root).toMatchObject({ inhibited: false, caused_by: null, cluster_id: cluster });
    for (const s of symptoms) expect(s).toMatchObject({ inhibited: true, caused_by: root.incident_id, cluster_id: cluster });

    // Every receiver hears of the root only: a trigger per change (opened, each symptom listed) and one resolve.
    const sent = notifications(h.incidents);
    expect(sent.map((n) => n.what)).toEqual(['provider/timeout gpt-4o']);
    expect(sent[0].resolve).toBe(1);
    const lastTrigger = h.incidents.filter((u) => routeAction(u, everyone) === 'trigger').at(-1)!;
    expect(lastTrigger.incident.symptoms.map((s) => s.subtype)).toEqual(['hallucination', 'regression']);
  });

  it('raises the root to its worst symptom, so a pager that takes P1 only still hears of a P1 effect of a P3 cause', async () => {
    const h = await startCorrelation({ incidents: { quiet_period_ms: 120_000 } });
    const cascade = fallbackCascade({ fromMs: 2 * MIN, requests: 10, everyMs: 4_000 });
    const timeouts = cascade.events.filter((e) => e.subtype === 'timeout');
    // The primary's timeouts alone are P3; the fallback's made-up answers are P1.
    const lowered = { ...cascade, events: cascade.events.map((e) => (timeouts.includes(e) ? { ...e, severity: 'P3' as const } : e)) };
    await h.feedAll(batches(lowered, 5_000));
    const pages = notifications(h.incidents, RouteConfig.parse({ severities: ['P1'] }));
    expect(pages.map((n) => n.what)).toEqual(['provider/timeout gpt-4o']);
    const root = h.incidents.filter((u) => u.incident.subtype === 'timeout').at(-1)!.incident;
    expect(root).toMatchObject({ severity: 'P1', initial_severity: 'P3' });
    expect(notifications(h.incidents, paging)).toHaveLength(1);
  });

  it('pages a symptom on its own once it keeps failing after its root incident resolved', async () => {
    const h = await startCorrelation({ incidents: { quiet_period_ms: 60_000, check_interval_ms: 5_000 } });
    await h.feedAll(batches(fallbackCascade({ fromMs: MIN, requests: 10, everyMs: 3_000 }), 5_000));
    // The primary recovered, but the fallback model goes on making things up for its own traffic.
    const later = background(2 * MIN, 8 * MIN, 5_000, [['openai', 'gpt-4o-mini']]).map((c) => ({
      calls: [c],
      events: [eventOn(c, { category: 'quality', subtype: 'hallucination', provider: 'openai', model: 'gpt-4o-mini' })],
    }));
    await h.feedAll(later);
    const hallucination = h.incidents.filter((u) => u.incident.subtype === 'hallucination');
    const released = hallucination.find((u) => u.transition.detail.released_from !== undefined)!;
    expect(released.incident.inhibited).toBe(false);
    expect(routeAction(released, everyone)).toBe('trigger');
    // Released only after the root resolved.
    const rootResolved = h.incidents.find((u) => u.incident.subtype === 'timeout' && u.transition.kind === 'resolved')!;
    expect(Date.parse(released.transition.at)).toBeGreaterThan(Date.parse(rootResolved.transition.at));
    expect(notifications(h.incidents).map((n) => n.what)).toEqual(['provider/timeout gpt-4o', 'quality/hallucination gpt-4o-mini']);
  });

  it('sends no resolve for an incident that never paged', async () => {
    const h = await startCorrelation({ incidents: { quiet_period_ms: 60_000, check_interval_ms: 5_000 } });
    await h.feedAll(batches(fallbackCascade({ fromMs: MIN, requests: 10, everyMs: 3_000 }), 5_000));
    await h.advanceTo(T0 + 10 * MIN);
    const resolved = h.incidents.filter((u) => u.transition.kind === 'resolved');
    expect(resolved).toHaveLength(3);
    expect(resolved.map((u) => routeAction(u, everyone))).toEqual(
      resolved.map((u) => (u.incident.subtype === 'timeout' ? 'resolve' : null)),
    );
  });

  it('without a correlator upstream, pages each incident as before', async () => {
    const h = await startIncidents();
    const c1 = call({ ms: MIN, provider: 'openai', model: 'gpt-4o', team: 'team-search', outcome: 'error' });
    const c2 = call({
      ms: MIN + 900,
      provider: 'openai',
      model: 'gpt-4o-mini',
      team: 'team-search',
      outcome: 'ok',
      traceId: c1.source.traceId,
    });
    await h.feed([
      eventOn(c1, { category: 'provider', subtype: 'timeout', provider: 'openai', model: 'gpt-4o' }),
      eventOn(c2, { category: 'quality', subtype: 'hallucination', provider: 'openai', model: 'gpt-4o-mini' }),
    ]);
    expect(notifications(h.updates)).toHaveLength(2);
    expect(h.updates.every((u) => u.incident.cluster_id === null && !u.incident.inhibited)).toBe(true);
  });
});
