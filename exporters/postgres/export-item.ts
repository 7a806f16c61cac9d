// The unit this exporter writes, spills and dead-letters: one FailureEvent or one IncidentUpdate,
// and its text form in the spill buffer ({"k":"e"|"i","v":...}).
import type { Batch } from '../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';

export type ExportItem = { kind: 'event'; value: FailureEvent } | { kind: 'incident'; value: IncidentUpdate };

export function itemsOf(batch: Batch): ExportItem[] {
  const items: ExportItem[] = [];
  for (const value of batch.events) items.push({ kind: 'event', value });
  for (const value of batch.incidents) items.push({ kind: 'incident', value });
  return items;
}

export function encodeItem(item: ExportItem): string {
  return JSON.stringify({ k: item.kind === 'event' ? 'e' : 'i', v: item.value });
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
  if (!p || typeof p.v !== 'object' || p.v === null) return null;
  if (p.k === 'e') return { kind: 'event', value: p.v as FailureEvent };
  if (p.k === 'i') return { kind: 'incident', value: p.v as IncidentUpdate };
  return null;
}

/** Natural key for logs and dead_letters.record_key. */
export function itemKey(item: ExportItem): string {
  return item.kind === 'event' ? item.value.failure_id : `${item.value.incident.incident_id}/${item.value.transition.transition_id}`;
}
