// The unit this exporter writes, spills and dead-letters: one item of a stored lane (a lane with a
// PostgreSQL writer), and its text form in the spill buffer ({"k":<lane>,"v":...}).
import { laneItems, type Batch } from '../../agent/core/model/batch.ts';
import { laneSpec, lanes } from '../../agent/core/model/lanes.ts';
import { laneWriter } from '../../agent/store/writers/index.ts';

export interface ExportItem {
  /** A lane name of the lane table (or one registered at run time) with a PostgreSQL writer. */
  lane: string;
  value: unknown;
}

// Spill files written before lanes were named by the table use one letter; kept so they drain.
const SPILL_CODE: Record<string, string> = { events: 'e', incidents: 'i' };
const LANE_OF_CODE: Record<string, string> = { e: 'events', i: 'incidents' };

/** The stored lanes' items of a batch, lane by lane in lane-table order. */
export function itemsOf(batch: Batch): ExportItem[] {
  const items: ExportItem[] = [];
  for (const { name } of lanes()) {
    const values = laneItems(batch, name);
    if (values.length === 0 || !laneWriter(name)) continue;
    for (const value of values) items.push({ lane: name, value });
  }
  return items;
}

export function encodeItem(item: ExportItem): string {
  return JSON.stringify({ k: SPILL_CODE[item.lane] ?? item.lane, v: item.value });
}

/** The item a spill record holds, or null when the text is not one (it is dead-lettered as text). */
export function decodeItem(text: string): ExportItem | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const p = parsed as { k?: unknown; v?: unknown } | null;
  if (!p || typeof p.k !== 'string' || typeof p.v !== 'object' || p.v === null) return null;
  const lane = LANE_OF_CODE[p.k] ?? p.k;
  return laneWriter(lane) ? { lane, value: p.v } : null;
}

/** Natural key for logs and dead_letters.record_key. */
export function itemKey(item: ExportItem): string {
  return laneSpec(item.lane)!.key(item.value);
}

/** dead_letters.record_type of the item. */
export function itemRecordType(item: ExportItem): string {
  return laneWriter(item.lane)!.recordType;
}
