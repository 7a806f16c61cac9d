// The slo lane as Prometheus series, labelled as Sloth labels them (sloth_service, sloth_slo):
// counters of SLI events and bad events, from which `faultline slo rules` records Sloth's
// slo:sli_error:ratio_rate<window> series and burn-rate alerts; and the agent's own evaluation as
// gauges (objective, budget remaining, burn rate per window) for a dashboard without those rules.
// SloUpdates carry whole minute counts, so the counters add the difference from the last count
// seen for that minute; minutes are forgotten once well behind the newest.
import type { Attributes, Meter } from '@opentelemetry/api';
import { SLO_METRICS, type SloUpdate } from '../../agent/core/model/slo.ts';

/** Minutes of counts remembered behind the newest one per SLO (late updates beyond are not counted twice, they are dropped). */
const KEPT_MINUTES = 180;
const MINUTE_MS = 60_000;
/** SLOs published; more are configuration mistakes, not traffic, but the bound keeps series finite. */
const MAX_SLOS = 200;

interface SloState {
  labels: Attributes;
  minutes: Map<number, { total: number; bad: number }>;
  newestMs: number;
  status: SloUpdate['status'];
  objective: number;
}

export function createSloSeries(meter: Meter) {
  const events = meter.createCounter(SLO_METRICS.events, {
    description: 'SLI events per SLO (requests the SLI judges; USD for a cost SLI), from the slo processor, in event time.',
  });
  const bad = meter.createCounter(SLO_METRICS.badEvents, { description: 'Bad SLI events per SLO (see genai_slo_events_total).' });
  const objective = meter.createObservableGauge(SLO_METRICS.objective, { description: 'The SLO objective (good share), e.g. 0.995.' });
  const remaining = meter.createObservableGauge(SLO_METRICS.budgetRemaining, {
    description: "Share of the SLO window's error budget left at the agent's latest evaluation (below 0: breached).",
  });
  const burn = meter.createObservableGauge(SLO_METRICS.burnRate, {
    description: 'Burn rate per window (sloth_window) at the latest evaluation: error ratio over (1 - objective).',
  });
  const slos = new Map<string, SloState>();
  meter.addBatchObservableCallback(
    (r) => {
      for (const s of slos.values()) {
        r.observe(objective, s.objective, s.labels);
        if (!s.status) continue;
        r.observe(remaining, s.status.budget_remaining, s.labels);
        for (const w of s.status.windows)
          if (w.burn_rate !== null) r.observe(burn, w.burn_rate, { ...s.labels, [SLO_METRICS.labels.window]: w.window });
      }
    },
    [objective, remaining, burn],
  );

  return {
    record(updates: readonly SloUpdate[]): void {
      for (const u of updates) {
        let s = slos.get(u.slo);
        if (!s) {
          if (slos.size >= MAX_SLOS) continue;
          const labels = Object.freeze({ [SLO_METRICS.labels.service]: u.service, [SLO_METRICS.labels.slo]: u.slo });
          slos.set(u.slo, (s = { labels, minutes: new Map(), newestMs: 0, status: null, objective: u.objective }));
        }
        s.objective = u.objective;
        if (u.status) s.status = u.status;
        let addTotal = 0;
        let addBad = 0;
        for (const b of u.buckets) {
          const startMs = Date.parse(b.start);
          if (startMs < s.newestMs - KEPT_MINUTES * MINUTE_MS) continue;
          const prev = s.minutes.get(startMs) ?? { total: 0, bad: 0 };
          addTotal += Math.max(0, b.total - prev.total);
          addBad += Math.max(0, b.bad - prev.bad);
          s.minutes.set(startMs, { total: Math.max(prev.total, b.total), bad: Math.max(prev.bad, b.bad) });
          if (startMs > s.newestMs) s.newestMs = startMs;
        }
        if (addTotal > 0) events.add(addTotal, s.labels);
        if (addBad > 0) bad.add(addBad, s.labels);
        for (const m of s.minutes.keys()) if (m < s.newestMs - KEPT_MINUTES * MINUTE_MS) s.minutes.delete(m);
      }
    },
  };
}
