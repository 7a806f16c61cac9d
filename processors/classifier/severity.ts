// Severity as a pure function of the event being built and a snapshot of the system around it, so a
// replay grades an event exactly as the live run did. What the levels mean to a responder:
//   P1  page now: users are failing and nothing is absorbing it (security, outage with no fallback)
//   P2  urgent: degraded, or failing over (fallback working, latency SLA broken, budget hit)
//   P3  ticket: a single failed attempt or request, contained (throttled, bad request, safety block)
//   P4  warning or trend: nothing failed yet (headroom low, drift, slow regressions)
import type { Category, Severity } from '../../agent/core/model/taxonomy.ts';

/**
 * Base severity per subtype, before adjustments; it assumes the client request failed or that
 * recovery is unknown. Subtypes not listed take their category's default.
 *
 * | category | subtype                                              | base |
 * |----------|------------------------------------------------------|------|
 * | security | every subtype                                        | P1   |
 * | provider | outage, overloaded, no_healthy_deployment            | P1   |
 * | provider | quota_exhausted, auth_error, latency_degradation     | P2   |
 * | provider | timeout, connection_error, malformed_response         | P2   |
 * | provider | rate_limited, context_overflow, bad_request,         | P3   |
 * |          | unknown_error                                        |      |
 * | provider | rate_limit_headroom_low                              | P4   |
 * | cost     | budget_exceeded, spend_spike, retry_storm, agent_loop | P2  |
 * | cost     | token_spike, cache_miss_storm, batch_cost_overrun    | P3   |
 * | quality  | hallucination, regression                            | P2   |
 * | quality  | low_faithfulness, format_violation, refusal,         | P3   |
 * |          | safety_block, degenerate_output, truncation,         |      |
 * |          | empty_response                                       |      |
 * | quality  | language_drift, token_count_mismatch                 | P4   |
 * | data     | ingestion_failure, stale_index, retrieval_quality_drop | P3 |
 * | data     | embedding_drift                                      | P4   |
 */
export const BASE_SEVERITY: Readonly<Record<string, Severity>> = {
  outage: 'P1',
  overloaded: 'P1',
  no_healthy_deployment: 'P1',
  quota_exhausted: 'P2',
  auth_error: 'P2',
  latency_degradation: 'P2',
  timeout: 'P2',
  connection_error: 'P2',
  malformed_response: 'P2',
  rate_limited: 'P3',
  context_overflow: 'P3',
  bad_request: 'P3',
  unknown_error: 'P3',
  rate_limit_headroom_low: 'P4',
  budget_exceeded: 'P2',
  spend_spike: 'P2',
  retry_storm: 'P2',
  agent_loop: 'P2',
  token_spike: 'P3',
  cache_miss_storm: 'P3',
  batch_cost_overrun: 'P3',
  hallucination: 'P2',
  regression: 'P2',
  low_faithfulness: 'P3',
  format_violation: 'P3',
  refusal: 'P3',
  safety_block: 'P3',
  degenerate_output: 'P3',
  truncation: 'P3',
  empty_response: 'P3',
  language_drift: 'P4',
  token_count_mismatch: 'P4',
  ingestion_failure: 'P3',
  stale_index: 'P3',
  retrieval_quality_drop: 'P3',
  embedding_drift: 'P4',
};

const CATEGORY_DEFAULT: Readonly<Record<Category, Severity>> = { security: 'P1', provider: 'P2', cost: 'P3', quality: 'P3', data: 'P3' };

const LEVELS: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];

/** What the severity of one event is judged on: the event's kind, nothing else of it. */
export interface SeverityEvent {
  readonly category: Category;
  readonly subtype: string;
}

export interface SeveritySnapshot {
  /** This kind of failure (category, subtype, provider, model) in the window, this event included. */
  readonly blastRadius: { readonly requests: number; readonly users: number; readonly teams: number };
  /**
   * recovered: the client request still succeeded (retry or fallback: failover working);
   * failed: the request failed too; unknown: no gateway request or sibling attempts seen.
   */
  readonly recovery: 'recovered' | 'failed' | 'unknown';
  /** The call's route or team is business-critical (config). */
  readonly critical: boolean;
}

export interface SeverityPolicy {
  readonly blastRadius: { readonly requests: number; readonly users: number; readonly teams: number };
  /** Base severity per subtype, replacing BASE_SEVERITY entries. */
  readonly overrides: Readonly<Partial<Record<string, Severity>>>;
}

export const DEFAULT_POLICY: SeverityPolicy = { blastRadius: { requests: 50, users: 10, teams: 3 }, overrides: {} };

/**
 * base → a recovered request lowers one level, but not below P3 (a failure that recovered still
 * happened; P4 is kept for warnings and trends, which have nothing to recover), and never for
 * security (a retried injection still reached a model) → reaching any
 * blast-radius threshold raises one level → a critical route or team raises one level; never
 * above P1 or below P4. Unknown recovery is treated as failed: without a gateway span we cannot
 * tell that failover absorbed it.
 */
export function severityOf(event: SeverityEvent, snapshot: SeveritySnapshot, policy: SeverityPolicy = DEFAULT_POLICY): Severity {
  return assessSeverity(event, snapshot, policy).severity;
}

export type SeverityReason = 'recovered' | 'blast_radius' | 'critical';

/** severityOf with the adjustments that applied, for the event's evidence. */
export function assessSeverity(
  event: SeverityEvent,
  snapshot: SeveritySnapshot,
  policy: SeverityPolicy = DEFAULT_POLICY,
): { severity: Severity; base: Severity; reasons: SeverityReason[] } {
  const base = baseSeverity(event, policy);
  const reasons: SeverityReason[] = [];
  let level = LEVELS.indexOf(base);
  if (snapshot.recovery === 'recovered' && event.category !== 'security' && level < 2) {
    level += 1;
    reasons.push('recovered');
  }
  const { requests, users, teams } = snapshot.blastRadius;
  const t = policy.blastRadius;
  if (requests >= t.requests || users >= t.users || teams >= t.teams) {
    level -= 1;
    reasons.push('blast_radius');
  }
  if (snapshot.critical) {
    level -= 1;
    reasons.push('critical');
  }
  return { severity: LEVELS[clamp(level)], base, reasons };
}

export function baseSeverity(event: SeverityEvent, policy: SeverityPolicy = DEFAULT_POLICY): Severity {
  return (
    policy.overrides[event.subtype] ??
    (event.category === 'security' ? 'P1' : (BASE_SEVERITY[event.subtype] ?? CATEGORY_DEFAULT[event.category]))
  );
}

/** One level more urgent, never above P1. */
export function raiseOneLevel(severity: Severity): Severity {
  return LEVELS[clamp(LEVELS.indexOf(severity) - 1)];
}

const clamp = (level: number) => Math.min(LEVELS.length - 1, Math.max(0, level));
