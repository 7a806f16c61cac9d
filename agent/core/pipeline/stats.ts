// Per-component counters kept by the pipeline, never by components (house style B4). The
// Prometheus exporter (issue 7) reads them; tests and the shutdown summary do today.

export interface ComponentStats {
  id: string;
  kind: 'processor' | 'exporter' | 'pipeline';
  itemsIn: number;
  itemsOut: number;
  errors: number;
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
      s = { id, kind, itemsIn: 0, itemsOut: 0, errors: 0, durationMs: 0, calls: 0 };
      this.byKey.set(key, s);
    }
    return s;
  }

  snapshot(): ComponentStats[] {
    return [...this.byKey.values()].map((s) => ({ ...s }));
  }
}
