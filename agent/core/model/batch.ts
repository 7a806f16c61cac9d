// A Batch is what flows between components: one array per lane of the lane table (lanes.ts), each
// read by the steps that care. Lanes a step does not know pass through it (spread the batch).
import { lanes, type LaneItem, type LaneName } from './lanes.ts';

export type Batch = { readonly [L in LaneName]: readonly LaneItem<L>[] };

const NONE: readonly never[] = Object.freeze([]);

/** A batch with every lane present: the given ones, the rest empty. */
export function createBatch(given: Partial<Batch> = {}): Batch {
  const batch: Record<string, readonly unknown[]> = {};
  for (const lane of lanes()) batch[lane.name] = NONE;
  return Object.assign(batch, given) as Batch;
}

/** A lane's items by name, including lanes registered at run time; empty when the batch has none. */
export function laneItems(batch: Batch, name: string): readonly unknown[] {
  return (batch as unknown as Record<string, readonly unknown[] | undefined>)[name] ?? NONE;
}

/** Items across all lanes, as each lane counts them: what the pipeline counts in and out of each component. */
export function countItems(batch: Batch): number {
  let n = 0;
  for (const lane of lanes()) {
    const items = laneItems(batch, lane.name);
    if (items.length > 0) n += lane.count(items);
  }
  return n;
}

export function isEmptyBatch(batch: Batch): boolean {
  for (const lane of lanes()) if (laneItems(batch, lane.name).length > 0) return false;
  return true;
}
