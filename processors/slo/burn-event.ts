// The slo_burn FailureEvent of a firing burn-rate alert: a window-level event in the SLI's category,
// one per evaluation while the alert fires (so the incident it opens stays open while the budget
// burns, and resolves after the incidents processor's quiet period once it stops). Its evidence
// names the SLO, the alert and its burn rates, and the failures that burnt the budget since the
// previous burn event (the incidents processor links them to the incident).
import { createFailureEvent, failureIdForWindow, type FailureEvent } from '../../agent/core/model/failure-event.ts';
import { SLI_CATEGORY, type BurnAlertSpec, type SloAlertStatus, type SloSpec, type SloStatus } from '../../agent/core/model/slo.ts';

export interface BurnContext {
  spec: SloSpec;
  alert: BurnAlertSpec;
  alertStatus: SloAlertStatus;
  status: SloStatus;
  nowMs: number;
  /** Bad requests since the previous burn event of this SLO (the first: in the long window). */
  newBadRequests: number;
  users: number;
  teams: number;
  burntBy: readonly { failure_id: string; occurred_at: string }[];
}

export function burnEvent(c: BurnContext): FailureEvent {
  const category = SLI_CATEGORY[c.spec.sli.kind];
  const { providers, models } = c.spec.filters;
  const common = {
    schema_version: 1,
    failure_id: failureIdForWindow(category, 'slo_burn', `slo/${c.spec.name}`, c.nowMs),
    timestamp: new Date(c.nowMs).toISOString(),
    severity: c.alert.incident_severity,
    // An SLO over several providers or models is about none of them in particular.
    provider: providers.length === 1 ? providers[0] : '*',
    model: models.length === 1 ? models[0] : null,
    detection_method: 'burn_rate',
    evidence: {
      slo: c.spec.name,
      service: c.spec.service,
      sli: c.spec.sli.kind,
      objective: c.spec.objective,
      window_days: c.spec.window_days,
      alert: c.alert.name,
      alert_severity: c.alert.severity,
      long_window: c.alertStatus.long_window,
      short_window: c.alertStatus.short_window,
      burn_rate_threshold: c.alert.burn_rate,
      long_burn_rate: round(c.alertStatus.long_burn_rate),
      short_burn_rate: round(c.alertStatus.short_burn_rate),
      long_bad_requests: c.alertStatus.long_bad_requests,
      budget_consumed: round(c.status.budget_consumed),
      budget_remaining: round(c.status.budget_remaining),
      burnt_by: c.burntBy,
    },
    impact_scope: {
      requests: c.newBadRequests,
      users: c.users,
      teams: c.teams,
      team: c.spec.filters.teams.length === 1 ? c.spec.filters.teams[0] : null,
      route: c.spec.filters.routes.length === 1 ? c.spec.filters.routes[0] : null,
      recovered: false,
    },
    trace_id: null,
    span_id: null,
    member_spans: [],
    secondary: [],
  };
  switch (category) {
    case 'provider':
      return createFailureEvent({ ...common, category, subtype: 'slo_burn', http_status: null, retry_after_sec: null, error_class: null });
    case 'quality':
      return createFailureEvent({ ...common, category, subtype: 'slo_burn', confidence: 1 });
    default:
      return createFailureEvent({
        ...common,
        category: 'cost',
        subtype: 'slo_burn',
        input_tokens: null,
        output_tokens: null,
        total_tokens: null,
        cost_usd: null,
        budget_usd: null,
        overage_usd: null,
      });
  }
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 1e4) / 1e4);
