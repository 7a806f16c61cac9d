// Per-component counters kept by the pipeline, never by components, so every component is counted
// the same way and none can forget. The agent's /metrics, the shutdown summary and tests read them.

export interface ComponentStats {
  id: string;
  kind: 'receiver' | 'processor' | 'exporter' | 'pipeline';
  itemsIn: number;
  itemsOut: number;
  /** Calls of process() or export() that threw and lost their items (stage "process" / "export"). */
  errors: number;
  /** Timer callbacks that threw or rejected (stage "timer"); the timer keeps running. */
  timerErrors: number;
  /** Total time spent inside the component, ms. */
  durationMs: number;
  calls: number;
}

export class StatsRegistry {
  private readonly byKey = new Map<string, ComponentStats>();

  for(kind: ComponentStats['kind'], id: string): ComponentStats {
    const key = `${kind}:${id}`;
    let s = this.byKey.get(key);
    if (!s) {
      s = { id, kind, itemsIn: 0, itemsOut: 0, errors: 0, timerErrors: 0, durationMs: 0, calls: 0 };
      this.byKey.set(key, s);
    }
    return s;
  }

  snapshot(): ComponentStats[] {
    return [...this.byKey.values()].map((s) => ({ ...s }));
  }
}
