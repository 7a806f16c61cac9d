// One evaluation of one SLO at an instant of event time: the error ratio and burn rate of every
// reported window, the error budget of the SLO window, and each burn-rate alert (both of its
// windows at or above its burn rate, and at least min_bad_events bad requests in the long one, so
// one error in light traffic never pages).
import {
  REPORTED_WINDOWS,
  windowLabel,
  type BurnAlertSpec,
  type SloAlertStatus,
  type SloSpec,
  type SloStatus,
  type SloWindowStatus,
} from '../../agent/core/model/slo.ts';
import type { Counts, SloWindowReader } from './counts.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface AlertState {
  /** Event time the alert started firing; null while it is not. */
  sinceMs: number | null;
}

export interface Evaluation {
  status: SloStatus;
  /** The firing alerts, most severe (highest burn rate threshold) first. */
  firing: { spec: BurnAlertSpec; status: SloAlertStatus }[];
}

export function evaluateSlo(
  spec: SloSpec,
  counts: SloWindowReader,
  alerts: readonly BurnAlertSpec[],
  states: Map<string, AlertState>,
  minBadEvents: number,
  nowMs: number,
): Evaluation {
  const allowed = 1 - spec.objective;
  const periodMs = spec.window_days * DAY_MS;
  // Every window this evaluation reads, summed in one pass: the reported ones, the SLO window, and
  // each alert's long and short window.
  const reported = REPORTED_WINDOWS.filter((w) => w.ms < periodMs);
  const summed = counts.sums(nowMs, [
    ...reported.map((w) => w.ms),
    periodMs,
    ...alerts.flatMap((a) => [a.long_window_ms, a.short_window_ms]),
  ]);
  const windowStatus = (label: string, c: Counts): SloWindowStatus => {
    const errorRatio = c.total > 0 ? c.bad / c.total : null;
    return {
      window: label,
      total: c.total,
      bad: c.bad,
      error_ratio: errorRatio,
      burn_rate: errorRatio === null ? null : errorRatio / allowed,
    };
  };
  const windows = reported.map((w, i) => windowStatus(w.label, summed[i]));
  const periodCounts = summed[reported.length];
  const period = windowStatus(windowLabel(periodMs), periodCounts);

  // The budget is a share of the events the whole window will hold: the observed rate (over at
  // least an hour, so a young agent does not call one error a month's budget) times the window.
  const first = counts.firstMs();
  const observedMs = first === null ? HOUR_MS : Math.min(periodMs, Math.max(HOUR_MS, nowMs - first));
  const expected = periodCounts.total * (periodMs / observedMs);
  const budgetEvents = allowed * expected;
  const consumed = budgetEvents > 0 ? periodCounts.bad / budgetEvents : 0;

  const firing: Evaluation['firing'] = [];
  const alertStatuses = alerts.map((a, i) => {
    const long = summed[reported.length + 1 + 2 * i];
    const short = summed[reported.length + 2 + 2 * i];
    const burn = (c: { total: number; bad: number }) => (c.total > 0 ? c.bad / c.total / allowed : null);
    const longBurn = burn(long);
    const shortBurn = burn(short);
    const isFiring =
      longBurn !== null && shortBurn !== null && longBurn >= a.burn_rate && shortBurn >= a.burn_rate && long.bad_requests >= minBadEvents;
    let state = states.get(a.name);
    if (!state) states.set(a.name, (state = { sinceMs: null }));
    if (isFiring) state.sinceMs ??= nowMs;
    else state.sinceMs = null;
    const status: SloAlertStatus = {
      name: a.name,
      severity: a.severity,
      long_window: windowLabel(a.long_window_ms),
      short_window: windowLabel(a.short_window_ms),
      threshold: a.burn_rate,
      long_burn_rate: longBurn,
      short_burn_rate: shortBurn,
      long_bad_requests: long.bad_requests,
      firing: isFiring,
      since: state.sinceMs === null ? null : new Date(state.sinceMs).toISOString(),
    };
    if (isFiring) firing.push({ spec: a, status });
    return status;
  });
  firing.sort((x, y) => y.spec.burn_rate - x.spec.burn_rate);

  const fiveMinutes = windows.find((w) => w.window === '5m');
  return {
    status: {
      at: new Date(nowMs).toISOString(),
      sli_value: period.error_ratio === null ? null : 1 - period.error_ratio,
      period,
      expected_period_total: expected,
      budget_events: budgetEvents,
      budget_consumed: consumed,
      budget_remaining: 1 - consumed,
      current_burn_rate: fiveMinutes?.burn_rate ?? null,
      windows,
      alerts: alertStatuses,
      cost_per_answer_usd: periodCounts.answers > 0 ? periodCounts.spend_usd / periodCounts.answers : null,
    },
    firing,
  };
}
