// One cluster as the correlator holds it while failures keep joining: its kinds, the links between
// them, and what joined since it was last emitted. Pure bookkeeping; which failure joins which
// cluster is decided in correlate.ts. A cluster is published (given its id, emitted) once it holds
// two failures: a failure alone is not a correlation.
import { createHash } from 'node:crypto';
import type {
  ClusterMember,
  CorrelationCluster,
  CorrelationEdge,
  CorrelationUpdate,
  FallbackPair,
} from '../../agent/core/model/correlation.ts';
import { classOfKind, TIER, type FailureClass } from './failure-class.ts';
import { clusterTypeOf, strengthOf, type LinkTally } from './cluster-shape.ts';
import { absorbKind, dominant, kindKey, type KindState } from './kind-state.ts';
import { rankRoot, type RankedRoot } from './root-cause.ts';

export interface LiveCluster {
  /** null until published. */
  id: string | null;
  readonly windowMs: number;
  state: 'active' | 'closed' | 'merged';
  mergedInto: string | null;
  openedMs: number;
  lastMs: number;
  closedMs: number | null;
  /** Kinds with failures of their own, by key. */
  readonly kinds: Map<string, KindState>;
  /** Kinds only carried as secondary matches, by key. */
  readonly sameCall: Map<string, KindState>;
  readonly links: Map<string, LinkTally>;
  eventCount: number;
  edgeCount: number;
  revision: number;
  /** Fallback pairs a restored cluster kept (the live ones come from the shared table). */
  restoredFallbacks: FallbackPair[];
  pendingMembers: { failureId: string; occurredAt: string; kind: KindState }[];
  pendingEdges: CorrelationEdge[];
  absorbed: string[];
  /** Changed since it was last emitted. */
  dirty: boolean;
}

/** Edges kept per cluster and update before the rest are only counted (a long outage would flood the store). */
export const MAX_PENDING_EDGES = 10_000;

export function createCluster(windowMs: number, ms: number): LiveCluster {
  return {
    id: null,
    windowMs,
    state: 'active',
    mergedInto: null,
    openedMs: ms,
    lastMs: ms,
    closedMs: null,
    kinds: new Map(),
    sameCall: new Map(),
    links: new Map(),
    eventCount: 0,
    edgeCount: 0,
    revision: 0,
    restoredFallbacks: [],
    pendingMembers: [],
    pendingEdges: [],
    absorbed: [],
    dirty: false,
  };
}

export const isPublished = (c: LiveCluster): boolean => c.id !== null;

/** Deterministic from the root failure and the window the cluster opened in: every agent names it alike. */
export function clusterIdFor(rootFailureId: string, openedMs: number, windowMs: number): string {
  const windowStart = openedMs - (openedMs % windowMs);
  return createHash('sha256').update(`cluster/${rootFailureId}@${windowStart}`).digest('hex').slice(0, 32);
}

export function rootOf(c: LiveCluster): RankedRoot {
  return rankRoot([...c.kinds.values(), ...c.sameCall.values()], c.links.values());
}

/** Gives the cluster its id once it holds two failures. */
export function publishIfReady(c: LiveCluster): void {
  if (c.id !== null || c.eventCount < 2) return;
  c.id = clusterIdFor(rootOf(c).kind.anchor!, c.openedMs, c.windowMs);
}

export function tallyLink(
  c: LiveCluster,
  from: KindState,
  to: KindState,
  relation: LinkTally['relation'],
  rule: string | null,
  weight: number,
): void {
  const key = `${from.key}|${to.key}|${relation}|${rule ?? ''}`;
  const link = c.links.get(key);
  if (link) {
    link.edges += 1;
    link.miss *= 1 - weight;
  } else c.links.set(key, { from, to, relation, rule, edges: 1, miss: 1 - weight });
}

/** Moves everything of `from` into `into`; `from` is left merged (its kinds now belong to `into`). */
export function mergeCluster(into: LiveCluster, from: LiveCluster): void {
  const moved = new Map<KindState, KindState>();
  for (const [key, k] of from.kinds) into.kinds.set(key, k);
  for (const [key, k] of from.sameCall) {
    const mine = into.sameCall.get(key);
    if (mine) {
      absorbKind(mine, k);
      moved.set(k, mine);
    } else into.sameCall.set(key, k);
  }
  const same = (k: KindState) => moved.get(k) ?? k;
  for (const l of from.links.values()) {
    const key = `${same(l.from).key}|${same(l.to).key}|${l.relation}|${l.rule ?? ''}`;
    const mine = into.links.get(key);
    if (mine) {
      mine.edges += l.edges;
      mine.miss *= l.miss;
    } else into.links.set(key, { ...l, from: same(l.from), to: same(l.to) });
  }
  into.openedMs = Math.min(into.openedMs, from.openedMs);
  into.lastMs = Math.max(into.lastMs, from.lastMs);
  into.eventCount += from.eventCount;
  into.edgeCount += from.edgeCount;
  into.restoredFallbacks.push(...from.restoredFallbacks);
  into.pendingMembers.push(...from.pendingMembers.map((m) => ({ ...m, kind: same(m.kind) })));
  // A published cluster's earlier members are stored under its id; the merge moves them there.
  if (from.id === null) into.pendingEdges.push(...from.pendingEdges);
  else {
    into.absorbed.push(from.id, ...from.absorbed);
    into.pendingEdges.push(...from.pendingEdges);
  }
  into.dirty = true;
  // The caller names the survivor in mergedInto once it is published.
  from.state = 'merged';
  from.pendingMembers = [];
  from.pendingEdges = [];
  from.dirty = from.id !== null;
}

/** The cluster as it stands, and what joined since the last update; clears the pending parts. */
export function takeUpdate(c: LiveCluster, fallbacks: FallbackPair[]): CorrelationUpdate {
  const root = rootOf(c);
  const first = (a: KindState, b: KindState) => (a === root.kind ? -1 : b === root.kind ? 1 : a.firstMs - b.firstMs);
  const ordered = [...[...c.kinds.values()].sort(first), ...[...c.sameCall.values()].sort(first)];
  if (root.kind.sameCall) ordered.unshift(...ordered.splice(ordered.indexOf(root.kind), 1));
  const index = new Map(ordered.map((k, i) => [k, i]));
  const links = [...c.links.values()];
  c.revision += 1;
  const cluster: CorrelationCluster = {
    cluster_id: c.id!,
    cluster_type: clusterTypeOf(root.kind, links),
    state: c.state,
    merged_into: c.mergedInto,
    strength: strengthOf(root.kind, links),
    root_cause: {
      failure_id: root.kind.anchor!,
      category: root.kind.category,
      subtype: root.kind.subtype,
      provider: root.kind.provider,
      model: root.kind.model,
      team: dominant(root.kind.teams, root.kind.count),
      route: dominant(root.kind.routes, root.kind.count),
      occurred_at: iso(root.kind.firstMs),
      reason: root.reason,
      carried_by: root.kind.carrier === null ? null : kindRef(root.kind.carrier),
    },
    members: ordered.map((k) => toMember(k, k === root.kind, strongestLink(k, links), k.carrier === null ? null : index.get(k.carrier)!)),
    links: links.map((l) => ({
      from: index.get(l.from)!,
      to: index.get(l.to)!,
      relation: l.relation,
      rule: l.rule,
      edges: l.edges,
      evidence: 1 - l.miss,
    })),
    fallbacks: dedupeFallbacks([...fallbacks, ...c.restoredFallbacks]),
    event_count: c.eventCount,
    edge_count: c.edgeCount,
    window_ms: c.windowMs,
    opened_at: iso(c.openedMs),
    last_seen_at: iso(c.lastMs),
    closed_at: c.closedMs === null ? null : iso(c.closedMs),
    revision: c.revision,
  };
  const update: CorrelationUpdate = {
    cluster,
    new_members: c.pendingMembers.map((m) => ({ failure_id: m.failureId, occurred_at: m.occurredAt, member: index.get(m.kind)! })),
    new_edges: c.pendingEdges,
    absorbed: c.absorbed,
  };
  c.pendingMembers = [];
  c.pendingEdges = [];
  c.absorbed = [];
  c.dirty = false;
  return update;
}

/** The live form of a stored active cluster: counts, links and anchors continue from its row. */
export function restoreCluster(stored: CorrelationCluster): LiveCluster {
  const c = createCluster(stored.window_ms, Date.parse(stored.opened_at));
  c.id = stored.cluster_id;
  c.lastMs = Date.parse(stored.last_seen_at);
  c.eventCount = stored.event_count;
  c.edgeCount = stored.edge_count;
  c.revision = stored.revision;
  c.restoredFallbacks = stored.fallbacks;
  const kinds = stored.members.map(fromMember);
  stored.members.forEach((m, i) => {
    if (m.carried_by !== null) kinds[i].carrier = kinds[m.carried_by] ?? null;
    (m.carried_by !== null ? c.sameCall : c.kinds).set(kinds[i].key, kinds[i]);
  });
  for (const l of stored.links) {
    const from = kinds[l.from];
    const to = kinds[l.to];
    if (from && to)
      c.links.set(`${from.key}|${to.key}|${l.relation}|${l.rule ?? ''}`, {
        from,
        to,
        relation: l.relation,
        rule: l.rule,
        edges: l.edges,
        miss: 1 - l.evidence,
      });
  }
  return c;
}

/** Relations by how directly they show a link: a shared request, a rule, a coincidence. */
const RELATION_RANK: Record<LinkTally['relation'], number> = { same_trace: 0, causal: 1, temporal: 2, recurrence: 3 };

/** How a kind hangs on the rest of the cluster: its most direct link from another kind, else to one. */
function strongestLink(k: KindState, links: readonly LinkTally[]): LinkTally | null {
  let best: LinkTally | null = null;
  for (const incoming of [true, false]) {
    for (const l of links) {
      if (l.from === l.to || (incoming ? l.to : l.from) !== k) continue;
      if (best === null || RELATION_RANK[l.relation] < RELATION_RANK[best.relation] || (l.relation === best.relation && l.miss < best.miss))
        best = l;
    }
    if (best) return best;
  }
  return null;
}

const kindRef = (k: KindState) => ({ category: k.category, subtype: k.subtype, provider: k.provider, model: k.model });

function toMember(k: KindState, isRoot: boolean, link: LinkTally | null, carriedBy: number | null): ClusterMember {
  return {
    category: k.category,
    subtype: k.subtype,
    provider: k.provider,
    model: k.model,
    count: k.count,
    relation: isRoot ? 'root' : k.sameCall ? 'same_call' : (link?.relation ?? 'recurrence'),
    rule: isRoot || k.sameCall ? null : (link?.rule ?? null),
    role: k.cls,
    tier: k.tier,
    anchor_failure_id: k.anchor,
    carried_by: carriedBy,
    first_seen_at: iso(k.firstMs),
    last_seen_at: iso(k.lastMs),
    teams: Object.fromEntries(k.teams),
    routes: Object.fromEntries(k.routes),
    keys: Object.fromEntries(k.keys),
    window_level: k.windowLevel,
    fallback_attempts: k.fallbackAttempts,
  };
}

function fromMember(m: ClusterMember): KindState {
  const cls = (m.role in TIER ? m.role : classOfKind(m.category, m.subtype)) as FailureClass;
  return {
    key: kindKey(m.category, m.subtype, m.provider, m.model),
    category: m.category,
    subtype: m.subtype,
    provider: m.provider,
    model: m.model,
    cls,
    tier: TIER[cls],
    count: m.count,
    firstMs: Date.parse(m.first_seen_at),
    lastMs: Date.parse(m.last_seen_at),
    teams: new Map(Object.entries(m.teams)),
    routes: new Map(Object.entries(m.routes)),
    keys: new Map(Object.entries(m.keys)),
    windowLevel: m.window_level,
    fallbackAttempts: m.fallback_attempts,
    relation: m.relation,
    rule: m.rule,
    anchor: m.anchor_failure_id,
    sameCall: m.carried_by !== null,
    carrier: null,
  };
}

function dedupeFallbacks(pairs: FallbackPair[]): FallbackPair[] {
  const latest = new Map<string, FallbackPair>();
  for (const p of pairs) {
    const key = `${p.from}→${p.to}`;
    const seen = latest.get(key);
    if (!seen || seen.last_seen_at < p.last_seen_at) latest.set(key, p);
  }
  return [...latest.values()].sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));
}

const iso = (ms: number) => new Date(ms).toISOString();
