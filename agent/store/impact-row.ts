// How a FailureImpact maps onto a failure_impacts row (migrations 0002 and 0005): the figures the
// list filters and ranks on as columns, the whole assessment in `details`. Shared by the postgres
// exporter (writes), the impact processor (restores open incidents' and clusters' impact) and the API.
import { FailureImpact } from '../core/model/impact.ts';

export const IMPACT_COLUMNS = [
  'impact_id',
  'subject_type',
  'subject_id',
  'assessed_at',
  'affected_requests',
  'affected_users',
  'affected_teams',
  'cost_usd',
  'wasted_cost_usd',
  'sla_breached',
  'details',
  'revision',
  'state',
  'category',
  'subtype',
  'severity',
  'provider',
  'model',
  'first_seen_at',
  'last_seen_at',
  'impact_score',
  'agent_instance',
] as const;

/** Query parameters in IMPACT_COLUMNS order. */
export function impactToParams(i: FailureImpact, agentInstance: string | null): unknown[] {
  return [
    i.impact_id,
    i.subject_type,
    i.subject_id,
    i.assessed_at,
    i.user_impact.requests,
    i.user_impact.users,
    i.user_impact.teams,
    i.cost_impact.spent_usd,
    i.cost_impact.wasted_usd,
    i.sla_impact.some((s) => s.breached),
    JSON.stringify(i),
    i.revision,
    i.state,
    i.category,
    i.subtype,
    i.severity,
    i.provider,
    i.model,
    i.first_seen_at,
    i.last_seen_at,
    i.impact_score,
    agentInstance,
  ];
}

/** The assessment a row holds (its `details`), checked against the model. */
export function rowToImpact(row: { details: unknown }): FailureImpact {
  return FailureImpact.parse(row.details);
}
