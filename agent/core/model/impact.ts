// FailureImpact: what a failure, an incident or a correlation cluster cost: the users and traffic it
// touched, the money it wasted, the answers that failed quality checks, the error budget it burnt,
// and one impact_score that ranks them. The impact processor puts one on the `impacts` lane for
// every failure event and, as they change, for every incident and cluster (an incident's or a
// cluster's impact is its members' impact, each failure counted once); the postgres exporter keeps
// the latest revision per subject in failure_impacts. Scoring: impactScore below (docs/impact-and-slos.md).
import { z } from 'zod';
import { Category, Severity } from './taxonomy.ts';

const count = z.number().int().nonnegative();
const usd = z.number().nonnegative();
const time = z.iso.datetime({ offset: true });

export const ImpactSubject = z.enum(['failure', 'incident', 'cluster']);
export type ImpactSubject = z.infer<typeof ImpactSubject>;

export const UserImpact = z.strictObject({
  requests: count.describe('Client requests affected (attempts of one request count once).'),
  users: count.describe('Distinct users (counted from hashed ids; the ids are never kept).'),
  teams: count.describe('Distinct teams.'),
  end_users: count.describe('Distinct end users the application named (LiteLLM end_user / user field).'),
  share_of_traffic: z
    .number()
    .min(0)
    .max(1)
    .describe("Affected requests over the affected routes' requests while it lasted (at least a minute around it)."),
});
export type UserImpact = z.infer<typeof UserImpact>;

export const CostImpact = z.strictObject({
  spent_usd: usd.describe('What the affected calls cost, as the gateway reported it.'),
  wasted_usd: usd.describe(
    'Spend that bought no usable answer: failed and retried attempts, answers rejected by quality checks, and the excess of a cost failure (tokens or spend above the usual).',
  ),
  failed_usd: usd.describe('Part of wasted_usd: attempts that failed.'),
  retry_usd: usd.describe('Spend on the retries and fallbacks the failure caused (attempts after a failed one).'),
  fallback_extra_usd: usd.describe("What the fallback model cost above the primary model's price for the same tokens."),
  overage_usd: usd.describe('Spend above a configured budget, when the failure is a budget breach.'),
});
export type CostImpact = z.infer<typeof CostImpact>;

export const QualityImpact = z.strictObject({
  answers: count.describe('Answers of the affected provider/model while it lasted.'),
  failed: count.describe('Of them, answers with a quality finding.'),
  failed_share: z.number().min(0).max(1).describe('failed / answers (0 without answers).'),
  baseline_share: z.number().min(0).max(1).nullable().describe('The usual failed share, from the baseline processor when it runs.'),
  excess_share: z.number().min(0).max(1).describe('failed_share above baseline_share (above 0 without a baseline).'),
  by_subtype: z.record(z.string(), count).describe('Failed answers per quality subtype.'),
});
export type QualityImpact = z.infer<typeof QualityImpact>;

export const SlaImpact = z.strictObject({
  slo: z.string(),
  bad_events: z.number().nonnegative().describe('Bad events of the SLO it caused (USD for a cost SLO).'),
  budget_consumed: z.number().nonnegative().describe("Share of the SLO window's error budget it burnt (1 = all of it)."),
  breached: z.boolean().describe("Whether the SLO's budget was exhausted (remaining below 0) at its latest evaluation."),
});
export type SlaImpact = z.infer<typeof SlaImpact>;

export const FailureImpact = z.strictObject({
  impact_id: z.string().describe('The subject type and id (e.g. incident/<incident_id>): one row per failure, incident or cluster.'),
  subject_type: ImpactSubject,
  subject_id: z.string().min(1),
  revision: z.number().int().positive().describe('Increases with each assessment of the subject; a store keeps the highest.'),
  assessed_at: time.describe('Event time of the assessment.'),
  first_seen_at: time,
  last_seen_at: time,
  state: z.enum(['open', 'closed']).describe('open while the subject can still change (an open incident, an active cluster).'),
  category: Category,
  subtype: z.string(),
  severity: Severity,
  provider: z.string(),
  model: z.string().nullable(),
  failures: count.describe('Failures counted (1 for a failure; members for an incident or cluster).'),
  user_impact: UserImpact,
  cost_impact: CostImpact,
  quality_impact: QualityImpact,
  sla_impact: z.array(SlaImpact),
  impact_score: z.number().nonnegative().describe('Ranks subjects by what they cost (see impactScore).'),
});
export type FailureImpact = z.infer<typeof FailureImpact>;

/** The impact id of a subject: readable, and the same on every agent. */
export function impactIdFor(subject: ImpactSubject, id: string): string {
  return `${subject}/${id}`;
}

const SEVERITY_POINTS: Record<Severity, number> = { P1: 20, P2: 10, P3: 5, P4: 0 };

export interface ScoreInputs {
  severity: Severity;
  users: number;
  requests: number;
  shareOfTraffic: number;
  costUsd: number;
  budgetConsumed: number;
  qualityExcess: number;
}

/**
 * impact_score = severity points (P1 20, P2 10, P3 5, P4 0)
 *   + 10·log10(1 + users) + 5·log10(1 + requests) + 20·share_of_traffic
 *   + 10·log10(1 + 100·(wasted + fallback extra + overage, USD))
 *   + 100·(error budget consumed, summed over SLOs, capped at 1 per SLO)
 *   + 30·quality excess share.
 * Logarithms keep one number meaningful from a single call to a fleet-wide outage: ten times the
 * users or the money adds a fixed step, while burning a whole month's error budget weighs as much
 * as the rest together. Rounded to 0.001 so the API's keyset paging compares stored values exactly.
 */
export function impactScore(s: ScoreInputs): number {
  const raw =
    SEVERITY_POINTS[s.severity] +
    10 * Math.log10(1 + s.users) +
    5 * Math.log10(1 + s.requests) +
    20 * Math.min(1, Math.max(0, s.shareOfTraffic)) +
    10 * Math.log10(1 + 100 * Math.max(0, s.costUsd)) +
    100 * Math.max(0, s.budgetConsumed) +
    30 * Math.min(1, Math.max(0, s.qualityExcess));
  return Math.round(raw * 1000) / 1000;
}
