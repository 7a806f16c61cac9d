// One kind of failure (category, subtype, provider, model) inside a cluster, as the correlator
// tracks it: how many, since when, on which teams, routes and keys, and the first failure (the
// anchor later failures of the kind link to, so edges grow with the failures, not their square).
// A single failure is described the same way (count 1), so the causal rules compare like with like.
import type { MemberRelation } from '../../agent/core/model/correlation.ts';
import type { Category } from '../../agent/core/model/taxonomy.ts';
import { TIER, type FailureClass } from './failure-class.ts';

/** Values remembered per attribute; past it the rarest is forgotten (a dominant value is never among the rarest). */
const MAX_VALUES = 8;

/** Share of a kind's failures one team, route or key must carry to be the kind's own. */
export const DOMINANT_SHARE = 0.8;

export interface KindFacts {
  readonly category: Category;
  readonly subtype: string;
  readonly provider: string;
  readonly model: string | null;
  cls: FailureClass;
  tier: number;
  count: number;
  firstMs: number;
  lastMs: number;
  readonly teams: Map<string, number>;
  readonly routes: Map<string, number>;
  readonly keys: Map<string, number>;
  windowLevel: number;
  fallbackAttempts: number;
}

export interface KindState extends KindFacts {
  readonly key: string;
  relation: MemberRelation;
  rule: string | null;
  /** The first failure of the kind in its cluster; null for a kind only carried as a secondary match. */
  anchor: string | null;
  /** Carried by other failures' calls (secondary matches), never a failure of its own. */
  readonly sameCall: boolean;
  /** For a carried kind: the kind of the failures that carry it. */
  carrier: KindState | null;
}

/** What one failure says about itself, in the shape of a kind. */
export interface FailureFacts extends KindFacts {
  readonly key: string;
  readonly failureId: string;
  readonly ms: number;
  readonly traceId: string | null;
  /** null for a window-level finding. */
  readonly spanId: string | null;
  /** The call failed (a provider error), as opposed to a finding on a call that succeeded. */
  readonly failedAttempt: boolean;
}

export const kindKey = (category: string, subtype: string, provider: string, model: string | null): string =>
  `${category}/${subtype}/${provider}/${model ?? ''}`;

export function newKind(
  of: Pick<KindFacts, 'category' | 'subtype' | 'provider' | 'model' | 'cls'>,
  options: { relation: MemberRelation; rule: string | null; anchor: string | null; ms: number; carrier?: KindState },
): KindState {
  return {
    key: kindKey(of.category, of.subtype, of.provider, of.model),
    category: of.category,
    subtype: of.subtype,
    provider: of.provider,
    model: of.model,
    cls: of.cls,
    tier: TIER[of.cls],
    count: 0,
    firstMs: options.ms,
    lastMs: options.ms,
    teams: new Map(),
    routes: new Map(),
    keys: new Map(),
    windowLevel: 0,
    fallbackAttempts: 0,
    relation: options.relation,
    rule: options.rule,
    anchor: options.anchor,
    sameCall: options.carrier !== undefined,
    carrier: options.carrier ?? null,
  };
}

/** Counts one more failure of the kind (or, for a secondary match, one more call carrying it). */
export function observe(kind: KindState, f: FailureFacts): void {
  kind.count += 1;
  kind.firstMs = Math.min(kind.firstMs, f.ms);
  kind.lastMs = Math.max(kind.lastMs, f.ms);
  // A model update seen once makes the kind a state change for good.
  if (TIER[f.cls] < kind.tier) {
    kind.cls = f.cls;
    kind.tier = TIER[f.cls];
  }
  for (const [value] of f.teams) bump(kind.teams, value);
  for (const [value] of f.routes) bump(kind.routes, value);
  for (const [value] of f.keys) bump(kind.keys, value);
  kind.windowLevel += f.windowLevel;
  kind.fallbackAttempts += f.fallbackAttempts;
}

/** Adds another cluster's counts of the same kind (a merge). */
export function absorbKind(into: KindState, from: KindState): void {
  into.count += from.count;
  into.firstMs = Math.min(into.firstMs, from.firstMs);
  into.lastMs = Math.max(into.lastMs, from.lastMs);
  for (const [v, n] of from.teams) bump(into.teams, v, n);
  for (const [v, n] of from.routes) bump(into.routes, v, n);
  for (const [v, n] of from.keys) bump(into.keys, v, n);
  into.windowLevel += from.windowLevel;
  into.fallbackAttempts += from.fallbackAttempts;
}

/** The team (route, key) that carries most of the kind's failures, or null when none does. */
export function dominant(values: ReadonlyMap<string, number>, count: number): string | null {
  for (const [value, n] of values) if (n >= DOMINANT_SHARE * count) return value;
  return null;
}

function bump(values: Map<string, number>, value: string, by = 1): void {
  values.set(value, (values.get(value) ?? 0) + by);
  if (values.size <= MAX_VALUES) return;
  let rarest: string | null = null;
  for (const [v, n] of values) if (v !== value && (rarest === null || n < values.get(rarest)!)) rarest = v;
  if (rarest !== null) values.delete(rarest);
}
