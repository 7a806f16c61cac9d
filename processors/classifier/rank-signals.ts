// Which of a call's signals decides its event: the category first in CATEGORY_PRIORITY, then the
// highest confidence, then the taxonomy's subtype order and the detection method's name, so the
// choice never depends on the order detectors ran in. Every other distinct (category, subtype)
// becomes a secondary match, in the same order. A window-level signal riding on a call (a quality
// regression tipped by that call) is a finding about the window, not the call's verdict: it gets
// an event of its own and never competes with, or hides, the call's own signals.
import type { SecondaryMatch } from '../../agent/core/model/failure-event.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { CATEGORY_PRIORITY, SUBTYPES } from '../../agent/core/model/taxonomy.ts';

export interface RankedSignals {
  readonly primary: Signal;
  readonly secondary: SecondaryMatch[];
}

/** The call's own verdict (if any), then one verdict per window-level signal it carries. */
export function verdictsOf(signals: readonly Signal[]): RankedSignals[] {
  const own = rankSignals(signals.filter((s) => s.window === undefined));
  const windows = signals.filter((s) => s.window !== undefined).map((primary) => ({ primary, secondary: [] }));
  return own === null ? windows : [own, ...windows];
}

export function rankSignals(signals: readonly Signal[]): RankedSignals | null {
  if (signals.length === 0) return null;
  const ordered = [...signals].sort(compareSignals);
  const primary = ordered[0];
  const seen = new Set([`${primary.category}/${primary.subtype}`]);
  const secondary: SecondaryMatch[] = [];
  for (const s of ordered) {
    const key = `${s.category}/${s.subtype}`;
    if (seen.has(key)) continue;
    seen.add(key);
    secondary.push({ category: s.category, subtype: s.subtype, detection_method: s.detection_method });
  }
  return { primary, secondary };
}

export function compareSignals(a: Signal, b: Signal): number {
  return (
    CATEGORY_PRIORITY.indexOf(a.category) - CATEGORY_PRIORITY.indexOf(b.category) ||
    b.confidence - a.confidence ||
    subtypeRank(a) - subtypeRank(b) ||
    (a.detection_method < b.detection_method ? -1 : a.detection_method > b.detection_method ? 1 : 0)
  );
}

// Unknown subtypes sort last; createFailureEvent rejects them if one ever becomes primary.
const subtypeRank = (s: Signal): number => {
  const i = (SUBTYPES[s.category] as readonly string[]).indexOf(s.subtype);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
};
