// The impact of open incidents as gauges, for a "top incidents by impact" panel
// (topk(10, genai_incident_impact_score)): one series per open incident, labelled with its id,
// category, subtype, provider and severity; gone once the incident closes. Bounded: past
// MAX_INCIDENTS the lowest-scored is dropped, so the series are always the top ones.
import type { Attributes, Meter } from '@opentelemetry/api';
import type { FailureImpact } from '../../agent/core/model/impact.ts';

const MAX_INCIDENTS = 500;

interface Shown {
  labels: Attributes;
  score: number;
  wastedUsd: number;
  users: number;
}

export function createImpactSeries(meter: Meter, limitProvider: (p: string) => string) {
  const score = meter.createObservableGauge('genai_incident_impact_score', {
    description: 'impact_score of each open incident (docs/impact-and-slos.md): rank with topk.',
  });
  const wasted = meter.createObservableGauge('genai_incident_wasted_usd', {
    description: 'Spend each open incident wasted so far (failed and retried attempts, rejected answers, spend above the usual).',
  });
  const users = meter.createObservableGauge('genai_incident_affected_users', {
    description: 'Distinct users each open incident affected.',
  });
  const open = new Map<string, Shown>();
  meter.addBatchObservableCallback(
    (r) => {
      for (const s of open.values()) {
        r.observe(score, s.score, s.labels);
        r.observe(wasted, s.wastedUsd, s.labels);
        r.observe(users, s.users, s.labels);
      }
    },
    [score, wasted, users],
  );
  return {
    record(impacts: readonly FailureImpact[]): void {
      for (const i of impacts) {
        if (i.subject_type !== 'incident') continue;
        if (i.state === 'closed') {
          open.delete(i.subject_id);
          continue;
        }
        open.set(i.subject_id, {
          labels: Object.freeze({
            incident_id: i.subject_id,
            category: i.category,
            subtype: i.subtype,
            provider: limitProvider(i.provider),
            severity: i.severity,
          }),
          score: i.impact_score,
          wastedUsd: i.cost_impact.wasted_usd,
          users: i.user_impact.users,
        });
        if (open.size > MAX_INCIDENTS) {
          let lowest: string | null = null;
          for (const [id, s] of open) if (lowest === null || s.score < open.get(lowest)!.score) lowest = id;
          open.delete(lowest!);
        }
      }
    },
  };
}
