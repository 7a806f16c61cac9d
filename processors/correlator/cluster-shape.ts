// A cluster's type and strength, from its root and the links between its kinds.
//   campaign      the root is an attack
//   cascade       failures propagated through requests into another category or model: a failed
//                 attempt and a later one in the same trace, a fallback, retries
//   temporal      the kinds are linked only by time and a shared team, route or key
//   common_cause  everything else: one state change behind failures of one provider or scope, or
//                 one kind of failure repeating
// Strength: each pair of linked kinds is as sure as 1 − Π(1 − weight) over the edges between them
// (many same-trace edges make a sure link, one temporal coincidence a weak one); the cluster's
// strength is the mean over its pairs, or the root's own repetition when it holds one kind.
import type { ClusterType, EdgeRelation } from '../../agent/core/model/correlation.ts';
import type { KindState } from './kind-state.ts';

export interface LinkTally {
  readonly from: KindState;
  readonly to: KindState;
  readonly relation: EdgeRelation;
  readonly rule: string | null;
  edges: number;
  /** Π(1 − weight) over the edges. */
  miss: number;
}

const CASCADE_RULES = new Set(['fallback', 'retry_amplification', 'retry_cost']);

export function clusterTypeOf(root: KindState, links: readonly LinkTally[]): ClusterType {
  if (root.category === 'security') return 'campaign';
  const across = links.filter((l) => l.from !== l.to);
  if (across.length === 0) return 'common_cause';
  if (across.every((l) => l.relation === 'temporal')) return 'temporal';
  // Through requests into another category or model: a retry that hit the same limit is not a cascade.
  const propagates = (l: LinkTally) => l.relation === 'same_trace' || (l.rule !== null && CASCADE_RULES.has(l.rule));
  const crosses = (l: LinkTally) => l.from.category !== l.to.category || l.from.provider !== l.to.provider || l.from.model !== l.to.model;
  if (across.some((l) => propagates(l) && crosses(l))) return 'cascade';
  return 'common_cause';
}

export function strengthOf(root: KindState, links: readonly LinkTally[]): number {
  const pairs = new Map<string, number>();
  for (const l of links) {
    if (l.from === l.to) continue;
    const key = `${l.from.key}→${l.to.key}`;
    pairs.set(key, (pairs.get(key) ?? 1) * l.miss);
  }
  if (pairs.size === 0) {
    const own = links.find((l) => l.from === root && l.to === root);
    return own ? round(1 - own.miss) : 0;
  }
  let sum = 0;
  for (const miss of pairs.values()) sum += 1 - miss;
  return round(sum / pairs.size);
}

const round = (x: number) => Math.round(x * 1000) / 1000;
