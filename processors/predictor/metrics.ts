// The predictor's gauges on /metrics: the current risk score per provider and failure type, the
// circuit state per deployment, and the running precision, recall and median lead per failure type.
import type { Meter } from '@opentelemetry/api';
import type { Indicators } from './indicators.ts';
import type { Outcomes } from './outcomes.ts';

const CIRCUIT_VALUE = { closed: 0, half_open: 1, open: 2 } as const;

export function registerPredictionMetrics(meter: Meter, outcomes: Outcomes, indicators: Indicators): void {
  const score = meter.createObservableGauge('failure_prediction_score', {
    description: 'Current risk score (0..1) of a predicted provider failure, by provider and failure_type; 0 once the risk has passed.',
  });
  const circuit = meter.createObservableGauge('llm_deployment_circuit_state', {
    description: 'Circuit-breaker state of a deployment inferred from its traffic: 0 closed, 1 half_open, 2 open.',
  });
  const precision = meter.createObservableGauge('faultline_prediction_precision', {
    description: 'Confirmed predictions over confirmed and expired ones, by failure_type, since the agent started.',
  });
  const recall = meter.createObservableGauge('faultline_prediction_recall', {
    description: 'Failures predicted over failures of the type (confirmed and missed), by failure_type, since the agent started.',
  });
  const lead = meter.createObservableGauge('faultline_prediction_lead_seconds', {
    description: 'Median lead of confirmed predictions (seconds before the failure), by failure_type.',
    unit: 's',
  });
  meter.addBatchObservableCallback(
    (r) => {
      const best = new Map<string, { provider: string; type: string; score: number }>();
      for (const s of outcomes.currentScores()) {
        const key = `${s.provider}\u0000${s.type}`;
        const seen = best.get(key);
        if (!seen || seen.score < s.score) best.set(key, s);
      }
      for (const s of best.values()) r.observe(score, s.score, { provider: s.provider, failure_type: s.type });
      for (const c of indicators.circuitStates())
        r.observe(circuit, CIRCUIT_VALUE[c.state], { provider: c.provider, model: c.model ?? '', deployment: c.deployment ?? '' });
      for (const [type, a] of outcomes.accuracy) {
        if (a.confirmed + a.expired > 0) r.observe(precision, a.confirmed / (a.confirmed + a.expired), { failure_type: type });
        if (a.confirmed + a.missed > 0) r.observe(recall, a.confirmed / (a.confirmed + a.missed), { failure_type: type });
        if (a.leads.length > 0) r.observe(lead, median(a.leads), { failure_type: type });
      }
    },
    [score, circuit, precision, recall, lead],
  );
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
