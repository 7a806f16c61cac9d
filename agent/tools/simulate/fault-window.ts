// When and to what a scenario's faults apply: active between at_secs and until_secs, matching a
// request by provider, model and team, and how far along a ramping fault is.
import type { Team } from './plan.ts';
import type { ModelSpec } from './price-table.ts';
import type { Fault, Scenario } from './scenario-schema.ts';

export type Match = Fault['match'];

export interface FaultWindow {
  active(f: Fault, atMs: number): boolean;
  /** 0 at the fault's start, 1 at its end (or the scenario's). */
  progress(f: Fault, atMs: number): number;
  /** Seconds since the scenario started. */
  elapsedSecs(atMs: number): number;
}

export function createFaultWindow(scenario: Scenario): FaultWindow {
  const startMs = Date.parse(scenario.start);
  const elapsedSecs = (t: number) => (t - startMs) / 1000;
  return {
    elapsedSecs,
    active: (f, t) => elapsedSecs(t) >= f.at_secs && elapsedSecs(t) < (f.until_secs ?? Infinity),
    progress(f, t) {
      const until = f.until_secs ?? scenario.duration_secs;
      return until <= f.at_secs ? 1 : Math.min(1, Math.max(0, (elapsedSecs(t) - f.at_secs) / (until - f.at_secs)));
    },
  };
}

export function matches(m: Match, spec: ModelSpec, team: Team): boolean {
  return (
    (m.provider === undefined || m.provider === spec.provider) &&
    (m.model === undefined || m.model === spec.model) &&
    (m.team === undefined || m.team === team.id)
  );
}
