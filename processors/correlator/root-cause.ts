// Which kind of failure in a cluster is its root cause: a precedence, in this order —
//   1. a kind nothing else in the cluster causes (no incoming link from another kind), when any is;
//      between kinds that cause each other (a cycle), all are candidates;
//   2. the lowest tier: a state change (attack, budget, provider down, model update) before a
//      provider symptom, before a cost symptom, before a quality symptom;
//   3. the earliest first failure; 4. the most failures; 5. the kind's name (so ties are stable).
// A secondary match carried by other failures' calls ranks only when a rule makes it a cause of
// another kind (a spend spike on the rate-limited calls of a traffic surge); otherwise it is an effect.
import { TIER_NAMES } from './failure-class.ts';
import type { KindState } from './kind-state.ts';

export interface KindEdge {
  readonly from: KindState;
  readonly to: KindState;
}

export interface RankedRoot {
  readonly kind: KindState;
  readonly reason: string;
}

export function rankRoot(kinds: readonly KindState[], links: Iterable<KindEdge>): RankedRoot {
  const causes = new Set<KindState>();
  const caused = new Set<KindState>();
  for (const l of links) {
    if (l.from === l.to) continue;
    causes.add(l.from);
    caused.add(l.to);
  }
  const ranked = kinds.filter((k) => !k.sameCall || causes.has(k));
  const uncaused = ranked.filter((k) => !caused.has(k));
  const candidates = uncaused.length > 0 ? uncaused : ranked;
  const best = [...candidates].sort(
    (a, b) => a.tier - b.tier || a.firstMs - b.firstMs || b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  )[0];
  const why = [`${best.category}/${best.subtype} is ${TIER_NAMES[best.tier]}`];
  if (ranked.length > 1)
    why.push(uncaused.length > 0 ? 'nothing else in the cluster causes it' : 'its kinds cause each other, so tier decides');
  if (candidates.length > 1) why.push(`first seen at ${new Date(best.firstMs).toISOString()}`);
  return { kind: best, reason: `${why.join('; ')}.` };
}
