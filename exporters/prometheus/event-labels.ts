// Attribute objects for genai_failure_events_total, built once per distinct label set and reused,
// so a batch adds once per label set instead of hashing a fresh object per event. The set is
// bounded: category, subtype and severity are taxonomy enums, the rest go through label limits.
import type { Attributes } from '@opentelemetry/api';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { OptionalLabel } from './config.ts';
import type { LabelLimiter } from './label-limiter.ts';

/** The optional labels an event can fill; the others are about a call. */
const EVENT_LABELS: readonly OptionalLabel[] = ['requested_model', 'team'];

export function createEventLabels(
  labels: readonly OptionalLabel[],
  limitProvider: LabelLimiter,
  limiters: Record<OptionalLabel, LabelLimiter>,
) {
  const optional = labels.filter((l) => EVENT_LABELS.includes(l));
  const sets = new Map<string, Attributes>();
  const values: string[] = [];
  return (e: FailureEvent): Attributes => {
    values.length = 0;
    values.push(e.category, e.subtype, e.severity, limitProvider(e.provider));
    for (const l of optional) values.push(limiters[l]((l === 'team' ? e.impact_scope.team : e.model) ?? 'unknown'));
    const key = values.join('\u0000');
    let set = sets.get(key);
    if (!set) {
      const built: Attributes = { category: values[0], subtype: values[1], severity: values[2], provider: values[3] };
      optional.forEach((l, i) => (built[l] = values[4 + i]));
      sets.set(key, (set = Object.freeze(built)));
    }
    return set;
  };
}
