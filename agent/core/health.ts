// Readiness reported by components and read by /readyz: the pipeline sets `pipeline`, an exporter
// reports whether it can deliver (e.g. "database reachable" or "buffering to disk").

export interface HealthState {
  readonly ready: boolean;
  /** One line for operators: what is (not) working. */
  readonly detail: string;
}

export interface Health {
  report(component: string, state: HealthState): void;
  /** Every reported component's latest state. */
  snapshot(): Record<string, HealthState>;
  /** True when every reported component is ready (and at least one has reported). */
  ready(): boolean;
}

export function createHealth(): Health {
  const states = new Map<string, HealthState>();
  return {
    report(component, state) {
      states.set(component, state);
    },
    snapshot: () => Object.fromEntries(states),
    ready: () => states.size > 0 && [...states.values()].every((s) => s.ready),
  };
}
