// SLO counters from minute counts: each SloUpdate carries a changed minute's whole counts, so the
// counters add only what grew since the last update of that minute; evaluations become gauges.
import { describe, expect, it } from 'vitest';
import type { SloUpdate } from '../../../agent/core/model/slo.ts';
import { createSloSeries } from '../../../exporters/prometheus/slo-series.ts';
import { createTestMeter } from '../../support/metric-reader.ts';

const update = (buckets: { start: string; total: number; bad: number }[], budgetRemaining: number | null = null): SloUpdate => ({
  slo: 'availability',
  service: 'genai',
  sli: 'availability',
  category: 'provider',
  objective: 0.995,
  window_days: 28,
  agent_instance: 'a1',
  at: '2026-01-05T09:10:00.000Z',
  status:
    budgetRemaining === null
      ? null
      : {
          at: '2026-01-05T09:10:00.000Z',
          sli_value: 0.9,
          period: { window: '28d', total: 100, bad: 10, error_ratio: 0.1, burn_rate: 20 },
          expected_period_total: 1000,
          budget_events: 5,
          budget_consumed: 1 - budgetRemaining,
          budget_remaining: budgetRemaining,
          current_burn_rate: 20,
          windows: [{ window: '5m', total: 100, bad: 10, error_ratio: 0.1, burn_rate: 20 }],
          alerts: [],
          cost_per_answer_usd: null,
        },
  buckets: buckets.map((b) => ({ ...b, bad_requests: b.bad, answers: b.total - b.bad, spend_usd: 0 })),
  attributions: [],
});

describe('SLO series', () => {
  it('adds what a minute grew by, not its whole count again', async () => {
    const m = createTestMeter();
    const series = createSloSeries(m.meter);
    series.record([update([{ start: '2026-01-05T09:00:00.000Z', total: 10, bad: 2 }])]);
    series.record([
      update([
        { start: '2026-01-05T09:00:00.000Z', total: 15, bad: 3 },
        { start: '2026-01-05T09:01:00.000Z', total: 4, bad: 0 },
      ]),
    ]);
    const read = await m.read({ sloth_slo: 'availability', sloth_service: 'genai' });
    expect(read.genai_slo_events_total).toBe(19);
    expect(read.genai_slo_bad_events_total).toBe(3);
  });

  it('publishes the objective, the budget remaining and the burn rate per window of the latest evaluation', async () => {
    const m = createTestMeter();
    const series = createSloSeries(m.meter);
    series.record([update([], 0.25)]);
    const read = await m.read({ sloth_slo: 'availability' });
    expect(read.genai_slo_objective_ratio).toBe(0.995);
    expect(read.genai_slo_error_budget_remaining_ratio).toBe(0.25);
    expect((await m.read({ sloth_window: '5m' })).genai_slo_burn_rate).toBe(20);
  });
});
