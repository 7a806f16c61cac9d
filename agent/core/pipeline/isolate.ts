// Failure isolation for batches no sender can retry: what a processor emits from a timer or at
// shutdown (trace_assembler's release, an overdue check). When a later step throws on such a
// batch, the step runs again on each unit of it (the lane table's `unit`: a trace's calls,
// content and events together), so only the units it fails on are lost; the rest go on.
// Request-path batches are not split: the receiver answers with an error and the sender retries.
import { createBatch, laneItems, type Batch } from '../model/batch.ts';
import { lanes } from '../model/lanes.ts';

/** The batch cut into units, in order of first appearance; an item whose unit is '' stands alone. */
export function splitUnits(batch: Batch): Batch[] {
  const units = new Map<string, Record<string, unknown[]>>();
  let alone = 0;
  for (const lane of lanes()) {
    for (const item of laneItems(batch, lane.name)) {
      const unit = lane.unit(item);
      const key = unit === '' ? `\0${alone++}` : unit;
      let parts = units.get(key);
      if (!parts) units.set(key, (parts = {}));
      (parts[lane.name] ??= []).push(item);
    }
  }
  return [...units.values()].map((parts) => createBatch(parts as Partial<Batch>));
}

/** One batch holding every lane of the parts, in order. */
export function mergeBatches(parts: readonly Batch[]): Batch {
  const merged: Record<string, unknown[]> = {};
  for (const lane of lanes()) {
    const items: unknown[] = [];
    for (const part of parts) items.push(...laneItems(part, lane.name));
    merged[lane.name] = items;
  }
  return createBatch(merged as Partial<Batch>);
}
