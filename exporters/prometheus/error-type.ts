// error_type of a failed call: the subtype of the FailureEvent the classifier made for it (same
// batch, by span id), else the subtype its signals point to (category priority, then confidence),
// else unknown_error. Subtypes about successful calls never name an error.
import type { Signal } from '../../agent/core/model/signal.ts';
import { CATEGORY_PRIORITY } from '../../agent/core/model/taxonomy.ts';

const NOT_ERRORS = new Set(['latency_degradation', 'rate_limit_headroom_low']);

export function errorTypeOf(signals: readonly Signal[], eventSubtype: string | undefined): string {
  if (eventSubtype !== undefined && !NOT_ERRORS.has(eventSubtype)) return eventSubtype;
  let best: Signal | null = null;
  for (const s of signals) {
    if (NOT_ERRORS.has(s.subtype)) continue;
    if (!best || rank(s) < rank(best) || (rank(s) === rank(best) && s.confidence > best.confidence)) best = s;
  }
  return best?.subtype ?? 'unknown_error';
}

const rank = (s: Signal) => CATEGORY_PRIORITY.indexOf(s.category);
