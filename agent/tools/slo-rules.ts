// The SLOs of a configuration as Prometheus rules, named as Sloth names them so existing SLO
// dashboards work: per SLO, slo:sli_error:ratio_rate<window> recorded from the agent's
// genai_slo_events_total and genai_slo_bad_events_total (summed over agents), the period ratio,
// slo:objective:ratio, slo:error_budget:ratio, slo:time_period:days, slo:current_burn_rate:ratio,
// slo:period_burn_rate:ratio, slo:period_error_budget_remaining:ratio and sloth_slo_info; and one
// alert per burn-rate alert, the same conditions the slo processor evaluates (both windows at the
// burn rate, and at least min_bad_events bad events in the long window). `faultline slo rules`
// prints them.
import { REPORTED_WINDOWS, SLO_METRICS, windowLabel, type BurnAlertSpec, type SloSpec } from '../core/model/slo.ts';

/** What the rules are made of: the slo processor's objectives, burn-rate alerts and minimum of bad events. */
export interface SloRulesInput {
  objectives: readonly SloSpec[];
  alerts: readonly BurnAlertSpec[];
  min_bad_events: number;
}

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

const L = SLO_METRICS.labels;
const DAY_MS = 86_400_000;

/** A ratio as PromQL reads it: fixed point, no exponent, no float noise. */
const num = (x: number) => String(Number(x.toPrecision(12)));

export function sloRuleGroups(config: SloRulesInput): RuleGroup[] {
  return config.objectives.flatMap((slo) => groupsOf(slo, config));
}

function groupsOf(slo: SloSpec, config: SloRulesInput): RuleGroup[] {
  const id = `${slo.service}-${slo.name}`;
  const ids = { [L.id]: id, [L.service]: slo.service, [L.slo]: slo.name };
  const match = `{${L.service}="${slo.service}",${L.slo}="${slo.name}"}`;
  const byId = `{${L.id}="${id}", ${L.service}="${slo.service}", ${L.slo}="${slo.name}"}`;
  const periodMs = slo.window_days * DAY_MS;
  const period = windowLabel(periodMs);
  const windows = new Map<string, number>(REPORTED_WINDOWS.filter((w) => w.ms < periodMs).map((w) => [w.label, w.ms]));
  for (const a of config.alerts)
    for (const ms of [a.long_window_ms, a.short_window_ms]) if (ms < periodMs) windows.set(windowLabel(ms), ms);
  const budget = 1 - slo.objective;

  const sli: RecordingRule[] = [...windows.keys()].map((w) => ({
    record: `slo:sli_error:ratio_rate${w}`,
    expr: `(sum by (${L.service}, ${L.slo}) (rate(${SLO_METRICS.badEvents}${match}[${w}])))\n/\n(sum by (${L.service}, ${L.slo}) (rate(${SLO_METRICS.events}${match}[${w}])))`,
    labels: { ...ids, [L.window]: w },
  }));
  // The period's ratio from the 5 minute one, as Sloth does: Prometheus rarely keeps raw counters for 28 days at full rate.
  const fiveMinutes = windows.has('5m') ? '5m' : [...windows.keys()][0];
  sli.push({
    record: `slo:sli_error:ratio_rate${period}`,
    expr: `sum_over_time(slo:sli_error:ratio_rate${fiveMinutes}${byId}[${period}])\n/ ignoring (${L.window})\ncount_over_time(slo:sli_error:ratio_rate${fiveMinutes}${byId}[${period}])`,
    labels: { ...ids, [L.window]: period },
  });

  const meta: RecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${num(slo.objective)})`, labels: ids },
    { record: 'slo:error_budget:ratio', expr: `vector(1 - ${num(slo.objective)})`, labels: ids },
    { record: 'slo:time_period:days', expr: `vector(${slo.window_days})`, labels: ids },
    {
      record: 'slo:current_burn_rate:ratio',
      expr: `max without (${L.window}) (slo:sli_error:ratio_rate${fiveMinutes}${byId})\n/ on (${L.id}, ${L.slo}, ${L.service}) group_left\nslo:error_budget:ratio${byId}`,
      labels: ids,
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr: `max without (${L.window}) (slo:sli_error:ratio_rate${period}${byId})\n/ on (${L.id}, ${L.slo}, ${L.service}) group_left\nslo:error_budget:ratio${byId}`,
      labels: ids,
    },
    { record: 'slo:period_error_budget_remaining:ratio', expr: `1 - slo:period_burn_rate:ratio${byId}`, labels: ids },
    {
      record: 'sloth_slo_info',
      expr: 'vector(1)',
      labels: { ...ids, sloth_mode: 'faultline', sloth_objective: num(slo.objective * 100), sli: slo.sli.kind },
    },
  ];

  const alerts: AlertingRule[] = config.alerts.map((a) => {
    const long = windowLabel(a.long_window_ms);
    const short = windowLabel(a.short_window_ms);
    const threshold = `(${num(a.burn_rate)} * ${num(budget)})`;
    return {
      alert: 'GenAISloBurnRate',
      expr:
        `(max without (${L.window}) (slo:sli_error:ratio_rate${short}${byId} > ${threshold})\n` +
        ` and max without (${L.window}) (slo:sli_error:ratio_rate${long}${byId} > ${threshold}))\n` +
        `and on (${L.service}, ${L.slo})\n` +
        `(sum by (${L.service}, ${L.slo}) (increase(${SLO_METRICS.badEvents}${match}[${long}])) >= ${config.min_bad_events})`,
      labels: { ...ids, severity: a.severity, burn_alert: a.name, incident_severity: a.incident_severity },
      annotations: {
        summary: `SLO ${slo.name} (${slo.service}) is burning its error budget at ${num(a.burn_rate)}× over ${long} and ${short}.`,
        description:
          `${slo.description || slo.sli.kind} Objective ${num(slo.objective * 100)} % over ${slo.window_days} days; ` +
          `at this rate the budget lasts ${(slo.window_days / a.burn_rate).toFixed(1)} days. The agent opens the same burn as an slo_burn incident.`,
      },
    };
  });

  return [
    { name: `faultline-slo-sli-recordings-${id}`, rules: sli },
    { name: `faultline-slo-meta-recordings-${id}`, rules: meta },
    { name: `faultline-slo-alerts-${id}`, rules: alerts },
  ];
}
