import { describe, expect, it } from 'vitest';
import { SUBTYPES, type Category } from '../../../agent/core/model/taxonomy.ts';
import {
  BASE_SEVERITY,
  DEFAULT_POLICY,
  assessSeverity,
  severityOf,
  type SeveritySnapshot,
} from '../../../processors/classifier/severity.ts';

const isolated: SeveritySnapshot = { blastRadius: { requests: 1, users: 1, teams: 1 }, recovery: 'unknown', critical: false };
const failed: SeveritySnapshot = { ...isolated, recovery: 'failed' };
const recovered: SeveritySnapshot = { ...isolated, recovery: 'recovered' };
const wide: SeveritySnapshot = { ...failed, blastRadius: { requests: 200, users: 40, teams: 5 } };

describe('severityOf', () => {
  it.each([
    ['security', 'prompt_injection', failed, 'P1'],
    ['security', 'pii_leakage', recovered, 'P1'],
    ['provider', 'outage', failed, 'P1'],
    ['provider', 'outage', recovered, 'P2'],
    ['provider', 'overloaded', isolated, 'P1'],
    ['provider', 'overloaded', recovered, 'P2'],
    ['provider', 'no_healthy_deployment', failed, 'P1'],
    ['provider', 'rate_limited', isolated, 'P3'],
    ['provider', 'rate_limited', recovered, 'P3'],
    ['provider', 'rate_limit_headroom_low', isolated, 'P4'],
    ['provider', 'latency_degradation', isolated, 'P2'],
    ['provider', 'timeout', recovered, 'P3'],
    ['provider', 'bad_request', isolated, 'P3'],
    ['cost', 'budget_exceeded', failed, 'P2'],
    ['quality', 'safety_block', isolated, 'P3'],
    ['quality', 'language_drift', isolated, 'P4'],
    ['data', 'embedding_drift', isolated, 'P4'],
  ] as const)('rates %s/%s as %s when %o', (category, subtype, snapshot, _expected) => {
    expect(severityOf({ category, subtype }, snapshot)).toBe(_expected);
  });

  it('gives every subtype of the taxonomy a base severity', () => {
    const missing = (['provider', 'cost', 'quality', 'data'] as Category[]).flatMap((c) =>
      SUBTYPES[c].filter((s) => !(s in BASE_SEVERITY)),
    );
    expect(missing).toEqual([]);
  });

  it('raises one level when any blast-radius threshold is reached', () => {
    const t = DEFAULT_POLICY.blastRadius;
    for (const blastRadius of [
      { requests: t.requests, users: 1, teams: 1 },
      { requests: 1, users: t.users, teams: 1 },
      { requests: 1, users: 1, teams: t.teams },
    ]) {
      expect(severityOf({ category: 'provider', subtype: 'rate_limited' }, { ...failed, blastRadius })).toBe('P2');
    }
    expect(
      severityOf(
        { category: 'provider', subtype: 'rate_limited' },
        { ...failed, blastRadius: { requests: t.requests - 1, users: t.users - 1, teams: t.teams - 1 } },
      ),
    ).toBe('P3');
  });

  it('raises one level for a critical route or team, and once more for a wide blast radius', () => {
    expect(severityOf({ category: 'quality', subtype: 'safety_block' }, { ...isolated, critical: true })).toBe('P2');
    expect(severityOf({ category: 'quality', subtype: 'safety_block' }, { ...wide, critical: true })).toBe('P1');
  });

  it('never goes above P1', () => {
    expect(severityOf({ category: 'provider', subtype: 'outage' }, { ...wide, critical: true })).toBe('P1');
  });

  it('lowers a recovered failure by one level but not below P3, so P4 stays for warnings and trends', () => {
    expect(severityOf({ category: 'provider', subtype: 'quota_exhausted' }, recovered)).toBe('P3');
    expect(severityOf({ category: 'provider', subtype: 'bad_request' }, recovered)).toBe('P3');
    expect(severityOf({ category: 'provider', subtype: 'rate_limit_headroom_low' }, recovered)).toBe('P4');
  });

  it('treats unknown recovery as no working fallback', () => {
    expect(severityOf({ category: 'provider', subtype: 'outage' }, isolated)).toBe(
      severityOf({ category: 'provider', subtype: 'outage' }, failed),
    );
  });

  it('takes the base from an override before adjusting', () => {
    const policy = { ...DEFAULT_POLICY, overrides: { rate_limited: 'P2' as const, prompt_injection: 'P2' as const } };
    expect(severityOf({ category: 'provider', subtype: 'rate_limited' }, isolated, policy)).toBe('P2');
    expect(severityOf({ category: 'provider', subtype: 'rate_limited' }, { ...isolated, critical: true }, policy)).toBe('P1');
    expect(severityOf({ category: 'security', subtype: 'prompt_injection' }, isolated, policy)).toBe('P2');
  });

  it('names the adjustments it applied', () => {
    expect(
      assessSeverity({ category: 'provider', subtype: 'outage' }, { ...recovered, blastRadius: wide.blastRadius, critical: true }),
    ).toEqual({
      severity: 'P1',
      base: 'P1',
      reasons: ['recovered', 'blast_radius', 'critical'],
    });
  });

  it('is a pure function: the same event and snapshot always give the same answer and are left untouched', () => {
    const snapshot = Object.freeze({ ...wide, blastRadius: Object.freeze({ ...wide.blastRadius }) });
    const event = Object.freeze({ category: 'provider' as const, subtype: 'timeout' });
    expect(severityOf(event, snapshot)).toBe(severityOf(event, snapshot));
  });
});
