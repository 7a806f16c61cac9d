// How a replay's predictions turned out: the final version of each prediction (a settled version
// wins over a pending one), and precision, recall and lead per failure type. A prediction still
// pending when the replay ended counts as unresolved; `--predictions` counts it with the false
// alarms, so an unfinished horizon never flatters precision.
import type { PredictedFailure } from '../../core/model/prediction.ts';

export interface TypeAccuracy {
  confirmed: number;
  expired: number;
  missed: number;
  unresolved: number;
  cancelled: number;
  /** Highest score of a prediction that was not confirmed (a false alarm or unresolved). */
  falseAlarmPeak: number;
  leads: number[];
}

export function finalPredictions(versions: readonly PredictedFailure[]): PredictedFailure[] {
  const rank = (p: PredictedFailure) => (p.status === 'pending' ? 0 : 1);
  const latest = new Map<string, PredictedFailure>();
  for (const p of versions) {
    const seen = latest.get(p.prediction_id);
    if (!seen || rank(p) > rank(seen) || (rank(p) === rank(seen) && p.updated_at >= seen.updated_at)) latest.set(p.prediction_id, p);
  }
  return [...latest.values()];
}

export function accuracyByType(
  predictions: readonly PredictedFailure[],
  into = new Map<string, TypeAccuracy>(),
): Map<string, TypeAccuracy> {
  for (const p of predictions) {
    let a = into.get(p.failure_type);
    if (!a)
      into.set(p.failure_type, (a = { confirmed: 0, expired: 0, missed: 0, unresolved: 0, cancelled: 0, falseAlarmPeak: 0, leads: [] }));
    if (p.status === 'confirmed') {
      a.confirmed++;
      if (p.lead_secs !== null) a.leads.push(p.lead_secs);
    } else if (p.status === 'expired' || p.status === 'pending') {
      if (p.status === 'expired') a.expired++;
      else a.unresolved++;
      a.falseAlarmPeak = Math.max(a.falseAlarmPeak, p.score);
    } else if (p.status === 'missed') a.missed++;
    else a.cancelled++;
  }
  return into;
}

export interface Summary {
  precision: number | null;
  recall: number | null;
  medianLeadSecs: number | null;
  confirmed: number;
  falseAlarms: number;
  missed: number;
}

export function summarize(rows: Iterable<TypeAccuracy>): Summary {
  let confirmed = 0;
  let falseAlarms = 0;
  let missed = 0;
  const leads: number[] = [];
  for (const a of rows) {
    confirmed += a.confirmed;
    falseAlarms += a.expired + a.unresolved;
    missed += a.missed;
    leads.push(...a.leads);
  }
  return {
    precision: confirmed + falseAlarms > 0 ? confirmed / (confirmed + falseAlarms) : null,
    recall: confirmed + missed > 0 ? confirmed / (confirmed + missed) : null,
    medianLeadSecs: leads.length > 0 ? median(leads) : null,
    confirmed,
    falseAlarms,
    missed,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
