import { z } from 'zod';
import { BurnAlertSpec, DEFAULT_BURN_ALERTS, SloSpec } from '../../agent/core/model/slo.ts';
import { count, milliseconds } from '../../config/units.ts';

export const SloConfig = z
  .strictObject({
    objectives: z
      .array(SloSpec)
      .default([])
      .describe('The SLOs: name, service, sli (kind and targets), objective, window_days, filters (routes, teams, models, providers).'),
    alerts: z
      .array(BurnAlertSpec)
      .min(1, { error: 'give at least one burn-rate alert, or remove the key for the defaults' })
      .default([...DEFAULT_BURN_ALERTS])
      .describe(
        'Multi-window, multi-burn-rate alerts applied to every SLO. Default: page at 14.4× over 1 h and 5 min (P1) and at 6× over 6 h and 30 min (P2); ticket at 1× over 3 d and 6 h (P3).',
      ),
    min_bad_events: count('bad requests')
      .default(5)
      .describe('Bad requests an alert’s long window must hold before it fires, so light traffic never pages on one error.'),
    evaluation_interval_ms: milliseconds()
      .default(30_000)
      .describe('How often (event time) every SLO is evaluated: burn rates, budget, alerts and the status put on the slos lane.'),
    max_linked_failures: count('failures')
      .default(100)
      .describe('Failures an slo_burn event links to its incident at most (the most recent that burnt the budget).'),
    restore: z
      .boolean()
      .default(true)
      .describe('Load this agent’s minute counts from the database at start, so a restart keeps the SLO window (needs storage).'),
    scope: z
      .enum(['auto', 'agent', 'fleet'])
      .default('auto')
      .describe(
        'agent: evaluate the requests this agent sees. fleet: every agent counts its own requests into the database, and the agent ' +
          "holding the fleet lease evaluates every agent's counts together (burn alerts and status for the whole fleet). auto: " +
          'fleet when the agent runs with a database, agent otherwise (classify, replay).',
      ),
  })
  .superRefine((c, ctx) => {
    const seen = new Map<string, number>();
    c.objectives.forEach((o, i) => {
      const before = seen.get(o.name);
      if (before !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['objectives', i, 'name'],
          message: `"${o.name}" is already the name of objectives[${before}]; names must be unique`,
        });
      seen.set(o.name, i);
    });
    const alertNames = new Set<string>();
    c.alerts.forEach((a, i) => {
      if (alertNames.has(a.name))
        ctx.addIssue({ code: 'custom', path: ['alerts', i, 'name'], message: `"${a.name}" is used twice; alert names must be unique` });
      alertNames.add(a.name);
      if (a.short_window_ms >= a.long_window_ms)
        ctx.addIssue({
          code: 'custom',
          path: ['alerts', i, 'short_window_ms'],
          message: `expected a short window shorter than long_window_ms (${a.long_window_ms}), got ${a.short_window_ms}`,
        });
    });
  });
export type SloConfig = z.infer<typeof SloConfig>;
