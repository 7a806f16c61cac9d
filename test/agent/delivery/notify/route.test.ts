import { describe, expect, it } from 'vitest';
import { RouteConfig, routeAction } from '../../../../agent/delivery/notify/route.ts';
import type { IncidentUpdate } from '../../../../agent/core/model/incident.ts';
import { failureEvent } from '../../../support/failure-event-builder.ts';
import { startIncidents } from '../../../support/incidents-harness.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);
const at = (ms: number) => new Date(T0 + ms).toISOString();
const paging = RouteConfig.parse({ severities: ['P1', 'P2'] });
const minor = RouteConfig.parse({ severities: ['P3', 'P4'] });

/** Opened at P3, raised to P1 by a later event, then resolved. */
async function raisedIncident(): Promise<IncidentUpdate[]> {
  const h = await startIncidents({ quiet_period_ms: 60_000 });
  await h.feed([failureEvent(1, { timestamp: at(0), severity: 'P3' })]);
  await h.feed([failureEvent(2, { timestamp: at(1_000), severity: 'P3' })]);
  await h.feed([failureEvent(3, { timestamp: at(2_000), severity: 'P1' })]);
  await h.advanceTo(T0 + 100_000);
  return h.updates;
}

describe('routing', () => {
  it('pages when a low incident is raised into the paging severities, and resolves it there', async () => {
    const updates = await raisedIncident();
    expect(updates.map((u) => u.transition.kind)).toEqual(['opened', 'updated', 'updated', 'resolved']);
    expect(updates.map((u) => routeAction(u, paging))).toEqual([null, null, 'trigger', 'resolve']);
  });

  it('resolves on a low-severity channel what it announced there, even after the incident was raised', async () => {
    const updates = await raisedIncident();
    expect(updates.map((u) => routeAction(u, minor))).toEqual(['trigger', null, null, 'resolve']);
  });

  it('sends nothing for another category', async () => {
    const updates = await raisedIncident();
    const securityOnly = RouteConfig.parse({ categories: ['security'] });
    expect(updates.map((u) => routeAction(u, securityOnly))).toEqual([null, null, null, null]);
  });

  it('routes every incident by default', () => {
    expect(RouteConfig.parse(undefined)).toEqual({
      severities: ['P1', 'P2', 'P3', 'P4'],
      categories: ['security', 'provider', 'cost', 'quality', 'data'],
    });
  });
});
