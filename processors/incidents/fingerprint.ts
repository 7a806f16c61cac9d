// The fingerprint that groups events into one incident: the category plus the configured fields
// (subtype, provider, model by default). Different categories never share an incident, because
// they go to different responders.
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { Category } from '../../agent/core/model/taxonomy.ts';
import type { GroupField } from './config.ts';

export interface Fingerprint {
  /** e.g. provider/outage/openai/gpt-4o — stable, readable, used as the store's grouping key. */
  readonly key: string;
  /** The fields and their values (null when the event has none). */
  readonly scope: Record<string, string | null>;
}

/** What a fingerprint reads: a failure event, or a cluster's root cause described the same way. */
export interface FingerprintSubject {
  readonly category: Category;
  readonly subtype: string;
  readonly provider: string;
  readonly model: string | null;
  readonly impact_scope: Pick<FailureEvent['impact_scope'], 'team' | 'route'>;
}

export function fingerprintOf(event: FingerprintSubject, fields: readonly GroupField[]): Fingerprint {
  const scope: Record<string, string | null> = {};
  const parts: string[] = [event.category];
  for (const field of fields) {
    const value = fieldValue(event, field);
    scope[field] = value;
    parts.push(`${field}=${value ?? ''}`);
  }
  return { key: parts.join('/'), scope };
}

function fieldValue(event: FingerprintSubject, field: GroupField): string | null {
  switch (field) {
    case 'subtype':
      return event.subtype;
    case 'provider':
      return event.provider;
    case 'model':
      return event.model;
    case 'team':
      return event.impact_scope.team;
    case 'route':
      return event.impact_scope.route;
  }
}

export function groupFieldsFor(
  category: Category,
  groupBy: readonly GroupField[],
  perCategory: Partial<Record<Category, GroupField[]>>,
): readonly GroupField[] {
  return perCategory[category] ?? groupBy;
}
