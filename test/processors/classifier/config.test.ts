import { describe, expect, it } from 'vitest';
import { ClassifierConfig } from '../../../processors/classifier/config.ts';

describe('classifier config', () => {
  it('works out of the box', () => {
    expect(ClassifierConfig.parse({})).toEqual({
      window_ms: 300_000,
      blast_radius: { requests: 50, users: 10, teams: 3 },
      critical_routes: [],
      critical_teams: [],
      escalation: { min_events: 20, min_duration_ms: 600_000, max_gap_ms: 300_000 },
      severity_overrides: {},
      max_kinds: 10_000,
      max_window_entries: 10_000,
    });
  });

  it('fills in the rest of a partly given section', () => {
    expect(ClassifierConfig.parse({ escalation: { min_events: 5 } }).escalation).toEqual({
      min_events: 5,
      min_duration_ms: 600_000,
      max_gap_ms: 300_000,
    });
  });

  it.each([
    ['a window that is not a positive integer', { window_ms: '5m' }, 'window_ms'],
    ['a zero blast-radius threshold', { blast_radius: { users: 0 } }, 'blast_radius.users'],
    ['an unknown escalation key', { escalation: { min_count: 3 } }, 'escalation'],
    ['an override for a subtype outside the taxonomy', { severity_overrides: { slow: 'P2' } }, 'severity_overrides'],
    ['an override with a severity that does not exist', { severity_overrides: { rate_limited: 'P5' } }, 'severity_overrides.rate_limited'],
    ['an empty critical route', { critical_routes: [''] }, 'critical_routes.0'],
  ])('rejects %s', (_name, input, path) => {
    const r = ClassifierConfig.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
