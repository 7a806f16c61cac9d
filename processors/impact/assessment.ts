// Turns a failure's contribution, or an incident's or cluster's running total, into the
// FailureImpact put out: traffic share and quality measured over the time it covers, SLA impact
// with each SLO's breach state, and the impact score.
import { impactIdFor, impactScore, type FailureImpact, type QualityImpact } from '../../agent/core/model/impact.ts';
import type { Contribution } from './contribution.ts';
import { endUsersOf, overageOf, requestsOf, teamsOf, usersOf, type Subject } from './subject.ts';
import { isoTextOf, type IsoText } from './iso-time.ts';
import type { Traffic } from './traffic.ts';

const MINUTE_MS = 60_000;
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export interface AssessmentContext {
  traffic: Traffic;
  /** SLO name → whether its budget is exhausted (latest evaluation). */
  breached: ReadonlyMap<string, boolean>;
  /** Model key → usual failed-answer share, from the baseline processor. */
  baselineQuality: ReadonlyMap<string, number>;
  trafficWindowMs: number;
  /** The ISO text of the latest assessment time put out. */
  now: IsoText;
}

function qualityOf(ctx: AssessmentContext, modelKeys: Iterable<string>, fromMs: number, toMs: number): QualityImpact {
  const t = ctx.traffic.sum(modelKeys, fromMs, toMs);
  const failedShare = t.answers > 0 ? Math.min(1, t.failed / t.answers) : 0;
  let baselineSum = 0;
  let baselines = 0;
  for (const k of modelKeys) {
    const b = ctx.baselineQuality.get(k);
    if (b === undefined) continue;
    baselineSum += b;
    baselines++;
  }
  const baseline = baselines > 0 ? baselineSum / baselines : null;
  return {
    answers: t.answers,
    failed: t.failed,
    failed_share: round6(failedShare),
    baseline_share: baseline === null ? null : round6(baseline),
    excess_share: round6(Math.max(0, failedShare - (baseline ?? 0))),
    by_subtype: Object.fromEntries(t.bySubtype),
  };
}

function shareOf(ctx: AssessmentContext, routes: Iterable<string | null>, requests: number, fromMs: number, toMs: number): number {
  if (requests === 0) return 0;
  const total = ctx.traffic.requestsOn(routes, fromMs, toMs);
  return total > 0 ? round6(Math.min(1, requests / total)) : 0;
}

function slaOf(ctx: AssessmentContext, sla: ReadonlyMap<string, { bad: number; consumed: number }>): FailureImpact['sla_impact'] {
  return [...sla].map(([slo, s]) => ({
    slo,
    bad_events: round6(s.bad),
    budget_consumed: round6(s.consumed),
    breached: ctx.breached.get(slo) ?? false,
  }));
}

const budgetOf = (sla: FailureImpact['sla_impact']) => sla.reduce((sum, s) => sum + Math.min(1, s.budget_consumed), 0);

export function assessFailure(ctx: AssessmentContext, c: Contribution, modelKey: string, revision: number): FailureImpact {
  const requests = c.request !== null ? 1 : c.windowRequests;
  const users = c.request !== null ? (c.user !== null ? 1 : 0) : c.windowUsers;
  const share = shareOf(ctx, [c.route], requests, c.ms - ctx.trafficWindowMs, c.ms);
  const quality = qualityOf(ctx, [modelKey], c.ms - ctx.trafficWindowMs, c.ms);
  const wasted = c.ownWaste + c.episodeWaste;
  const overage = c.overage?.usd ?? 0;
  const sla = slaOf(ctx, c.sla);
  return {
    impact_id: impactIdFor('failure', c.failureId),
    subject_type: 'failure',
    subject_id: c.failureId,
    revision,
    assessed_at: c.timestamp,
    first_seen_at: c.timestamp,
    last_seen_at: c.timestamp,
    state: 'closed',
    category: c.category,
    subtype: c.subtype,
    severity: c.severity,
    provider: c.provider,
    model: c.model,
    failures: 1,
    user_impact: { requests, users, teams: c.team !== null ? 1 : 0, end_users: c.endUser !== null ? 1 : 0, share_of_traffic: share },
    cost_impact: {
      spent_usd: round6(c.spent),
      wasted_usd: round6(wasted),
      failed_usd: round6(c.failed),
      retry_usd: round6(c.retry),
      fallback_extra_usd: round6(c.fallbackExtra),
      overage_usd: round6(overage),
    },
    quality_impact: quality,
    sla_impact: sla,
    impact_score: impactScore({
      severity: c.severity,
      users,
      requests,
      shareOfTraffic: share,
      costUsd: wasted + c.fallbackExtra + overage,
      budgetConsumed: budgetOf(sla),
      qualityExcess: quality.excess_share,
    }),
  };
}

export function assessSubject(ctx: AssessmentContext, s: Subject, atMs: number): FailureImpact {
  // At least a minute around it, so a burst is measured against the traffic it hit.
  const fromMs = Math.min(s.firstMs, s.lastMs - MINUTE_MS);
  const toMs = Math.max(s.lastMs, fromMs + 2 * MINUTE_MS);
  const requests = requestsOf(s);
  const users = usersOf(s);
  const share = shareOf(ctx, s.routes, requests, fromMs, toMs);
  const quality = qualityOf(ctx, s.modelKeys, fromMs, toMs);
  const overage = overageOf(s);
  const sla = slaOf(ctx, s.sla);
  const lastAt = isoTextOf(s.lastAt, s.lastMs);
  const atMsKept = Math.max(atMs, s.lastMs);
  const at = atMsKept === s.lastMs ? lastAt : isoTextOf(ctx.now, atMsKept);
  return {
    impact_id: impactIdFor(s.type, s.id),
    subject_type: s.type,
    subject_id: s.id,
    revision: s.revision,
    assessed_at: at,
    first_seen_at: isoTextOf(s.firstAt, s.firstMs),
    last_seen_at: lastAt,
    state: s.open ? 'open' : 'closed',
    category: s.category,
    subtype: s.subtype,
    severity: s.severity,
    provider: s.provider,
    model: s.model,
    failures: s.failures,
    user_impact: { requests, users, teams: teamsOf(s), end_users: endUsersOf(s), share_of_traffic: share },
    cost_impact: {
      spent_usd: round6(s.spent),
      wasted_usd: round6(s.wasted),
      failed_usd: round6(s.failed),
      retry_usd: round6(s.retry),
      fallback_extra_usd: round6(s.fallbackExtra),
      overage_usd: round6(overage),
    },
    quality_impact: quality,
    sla_impact: sla,
    impact_score: impactScore({
      severity: s.severity,
      users,
      requests,
      shareOfTraffic: share,
      costUsd: s.wasted + s.fallbackExtra + overage,
      budgetConsumed: budgetOf(sla),
      qualityExcess: quality.excess_share,
    }),
  };
}
