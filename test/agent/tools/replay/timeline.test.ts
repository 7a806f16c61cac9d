import { describe, expect, it } from 'vitest';
import type { IncidentUpdate } from '../../../../agent/core/model/incident.ts';
import { checkExpectations } from '../../../../agent/tools/replay/check.ts';
import {
  episodesFromEvents,
  EPISODE_GAP_MS,
  formatDuration,
  fromIncidents,
  secondaryEpisodesFromEvents,
  timelineOf,
} from '../../../../agent/tools/replay/timeline.ts';
import { parseScenario } from '../../../../agent/tools/simulate/load-scenario.ts';
import { failureEvent } from '../../../support/failure-event-builder.ts';

const T0 = Date.UTC(2026, 10, 22, 8, 0, 0);

function update(kind: IncidentUpdate['transition']['kind'], atMs: number, severity: 'P1' | 'P2' | 'P3', events: number): IncidentUpdate {
  const at = new Date(atMs).toISOString();
  return {
    incident: {
      incident_id: 'inc-1',
      fingerprint: 'provider/outage/openai/gpt-4o',
      state: kind === 'resolved' ? 'resolved' : 'open',
      category: 'provider',
      subtype: 'outage',
      severity,
      initial_severity: 'P3',
      provider: 'openai',
      model: 'gpt-4o',
      scope: {},
      title: 'OpenAI gpt-4o outage',
      runbook_url: null,
      event_count: events,
      affected_requests: events,
      affected_users: 1,
      affected_teams: 1,
      evidence_sample: [],
      first_seen_at: new Date(T0).toISOString(),
      last_seen_at: at,
      opened_at: new Date(T0).toISOString(),
      escalated_at: null,
      resolved_at: kind === 'resolved' ? at : null,
      revision: 1,
      cluster_id: null,
      caused_by: null,
      inhibited: false,
      symptoms: [],
    },
    transition: { transition_id: `t-${kind}`, kind, severity, at, detail: {} },
    new_members: [],
  };
}

describe('replay timeline', () => {
  it('groups failure events into episodes per kind, ending one after a quiet gap and tracking escalation', () => {
    const events = [
      { event: failureEvent(0, { severity: 'P3' }), emittedAtMs: T0 + 2_000 },
      { event: failureEvent(5, { severity: 'P1' }), emittedAtMs: T0 + 7_000 },
      { event: failureEvent(400, { severity: 'P3' }), emittedAtMs: T0 + 402_000 },
    ];
    const episodes = episodesFromEvents(events, T0 + 3_600_000);
    expect(episodes).toHaveLength(2);
    expect(episodes[0]).toMatchObject({
      detectedAtMs: T0 + 2_000,
      initialSeverity: 'P3',
      severity: 'P1',
      escalatedAtMs: T0 + 7_000,
      resolvedAtMs: T0 + 5_000 + EPISODE_GAP_MS,
      events: 2,
    });
    expect(timelineOf(episodes).map((e) => e.kind)).toEqual(['opened', 'escalated', 'resolved', 'opened', 'resolved']);
  });

  it('reads incident transitions (opened, escalated, resolved) when the pipeline has an incidents processor', () => {
    const detected = fromIncidents([
      { update: update('opened', T0 + 3_000, 'P3', 1), emittedAtMs: T0 + 3_000 },
      { update: update('escalated', T0 + 60_000, 'P1', 30), emittedAtMs: T0 + 60_000 },
      { update: update('resolved', T0 + 900_000, 'P1', 31), emittedAtMs: T0 + 900_000 },
    ]);
    expect(detected).toEqual([
      expect.objectContaining({
        source: 'incident',
        subtype: 'outage',
        detectedAtMs: T0 + 3_000,
        severity: 'P1',
        escalatedAtMs: T0 + 60_000,
        resolvedAtMs: T0 + 900_000,
        events: 31,
      }),
    ]);
  });

  it('lets an SLO marked may_page page or stay quiet, and misses any other SLO that pages', () => {
    const scenario = parseScenario(
      'name: s\ntitle: S\nstory: x\nduration_secs: 60\nexpectations:\n  slo_pages:\n' +
        '    - { slo: availability, within_secs: 300 }\n    - { slo: goodput, may_page: true }\n',
      's.yaml',
    );
    const page = (n: number, slo: string) =>
      failureEvent(n, { subtype: 'slo_burn', evidence: { slo, alert: 'page-slow', alert_severity: 'page' } });
    const check = (events: ReturnType<typeof failureEvent>[]) =>
      checkExpectations(scenario, { episodes: [], incidents: [], hasIncidents: false, events, hasSlo: true }, T0);
    expect(check([page(30, 'availability')])).toMatchObject({ failed: 0, passed: 3 });
    expect(check([page(30, 'availability'), page(200, 'goodput')])).toMatchObject({ failed: 0, passed: 3 });
    const other = check([page(30, 'availability'), page(200, 'latency-p95')]);
    expect(other.failed).toBe(1);
    expect(other.lines.find((l) => l.includes('MISS'))).toContain('slo page latency-p95: paged (page-slow)');
  });

  it('checks incident expectations only when there are incidents, and says what they need otherwise', () => {
    const scenario = parseScenario(
      'name: s\ntitle: S\nstory: x\nduration_secs: 60\nexpectations:\n  incidents:\n    - { category: provider, subtype: outage, provider: openai, severity: P1, within_secs: 5 }\n',
      's.yaml',
    );
    const incidents = fromIncidents([{ update: update('opened', T0 + 3_000, 'P1', 1), emittedAtMs: T0 + 3_000 }]);
    const withProcessor = checkExpectations(scenario, { episodes: [], incidents, hasIncidents: true, events: [] }, T0);
    expect(withProcessor).toMatchObject({ passed: 1, failed: 0 });
    const late = checkExpectations(scenario, { episodes: [], incidents, hasIncidents: true, events: [] }, T0 - 10_000);
    expect(late.lines[0]).toContain('detected after 13.0s, expected within 5s');
    const without = checkExpectations(scenario, { episodes: [], incidents: [], hasIncidents: false, events: [] }, T0);
    expect(without).toMatchObject({
      passed: 0,
      failed: 0,
      pending: ['incident provider/outage openai: needs an incidents processor in the pipeline'],
    });
  });

  it('counts a detection found only as a secondary match on other events, says so, and gives it no severity of its own', () => {
    const events = [
      {
        event: failureEvent(10, {
          category: 'security',
          severity: 'P1',
          secondary: [{ category: 'cost', subtype: 'token_spike', detection_method: 'rolling_median' }],
        }),
        emittedAtMs: T0 + 12_000,
      },
    ];
    const args = {
      episodes: episodesFromEvents(events, T0 + 600_000),
      secondary: secondaryEpisodesFromEvents(events, T0 + 600_000),
      incidents: [],
      hasIncidents: false,
      events: events.map((e) => e.event),
    };
    const ok = checkExpectations(
      parseScenario(
        'name: s\ntitle: S\nstory: x\nduration_secs: 60\nexpectations:\n  detections:\n    - { category: cost, subtype: token_spike, within_secs: 30 }\n',
        's.yaml',
      ),
      args,
      T0,
    );
    expect(ok).toMatchObject({ passed: 1, failed: 0 });
    expect(ok.lines[0]).toBe('  ok    cost/token_spike: MTTD 12.0s (≤ 30s), secondary on security/prompt_injection events');
    const withSeverity = checkExpectations(
      parseScenario(
        'name: s\ntitle: S\nstory: x\nduration_secs: 60\nexpectations:\n  detections:\n    - { category: cost, subtype: token_spike, severity: P3 }\n',
        's.yaml',
      ),
      args,
      T0,
    );
    expect(withSeverity.lines[0]).toContain('MISS  cost/token_spike: found only as a secondary match of security/prompt_injection');
    // A secondary match never satisfies an absence: absences are about the events themselves.
    const absent = checkExpectations(
      parseScenario('name: s\ntitle: S\nstory: x\nduration_secs: 60\nexpectations:\n  absent:\n    - { category: cost }\n', 's.yaml'),
      args,
      T0,
    );
    expect(absent).toMatchObject({ passed: 1, failed: 0 });
  });

  it('formats durations in whole seconds past a minute, without a 60 in the seconds', () => {
    expect(formatDuration(119_960)).toBe('2m00s');
    expect(formatDuration(-333_200)).toBe('-5m33s');
    expect(formatDuration(12_340)).toBe('12.3s');
  });
});
