// The correlation engine: each failure, in event-time order, is linked to the active clusters by
// every edge it has — the same kind again (recurrence), a failed attempt earlier in its trace
// (same_trace), a causal rule with a kind of failure seen within the window (causal), or the same
// class of failure on another provider or model sharing a characteristic team, route or key
// (temporal) — and joins the cluster they point to, merging clusters it bridges. A cluster closes
// once no failure joined it for a window. Pure state over event time; index.ts wires it to the
// pipeline, the clock and the store.
import type { CorrelationCluster, CorrelationUpdate, EdgeRelation } from '../../agent/core/model/correlation.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { TelemetryItem } from '../../agent/core/model/llm-call.ts';
import { characteristicScope, ruleApplies, type CausalRule, type RuleContext } from './causal-rules.ts';
import { createFallbackPairs, modelRef } from './fallback-pairs.ts';
import { classOfKind, type FailureClass } from './failure-class.ts';
import { factsOf, indexCalls, keyRefOf } from './failure-facts.ts';
import { kindKey, newKind, observe, type FailureFacts, type KindFacts, type KindState } from './kind-state.ts';
import {
  createCluster,
  isPublished,
  MAX_PENDING_EDGES,
  mergeCluster,
  publishIfReady,
  restoreCluster,
  tallyLink,
  takeUpdate,
  type LiveCluster,
} from './live-cluster.ts';
import { createTrafficShares } from './traffic-shares.ts';

export interface CorrelatorSettings {
  readonly windowMs: number;
  readonly maxClusters: number;
  readonly maxKindsPerCluster: number;
  readonly maxTraces: number;
  readonly maxTrafficShare: number;
  readonly rules: readonly CausalRule[];
}

export interface Correlator {
  /** Links a batch's failure events (its calls teach traffic shares and fallbacks); the updates of clusters that changed. */
  process(events: readonly FailureEvent[], calls: readonly TelemetryItem[]): CorrelationUpdate[];
  /** Closes clusters no failure joined for a window before nowMs; their final updates. */
  expire(nowMs: number): CorrelationUpdate[];
  /** Takes over stored active clusters (a restart in the middle of a cascade). */
  restore(clusters: readonly CorrelationCluster[]): void;
  /** Published clusters still active. */
  activeClusters(): number;
}

/** Edge weights by relation; a causal edge weighs its rule's weight. */
export const SAME_TRACE_WEIGHT = 0.9;
export const RECURRENCE_WEIGHT = 0.3;
/** A temporal edge weighs this at no time apart, falling to 0 at a window apart. */
export const TEMPORAL_WEIGHT = 0.3;

interface Owned {
  cluster: LiveCluster;
  kind: KindState;
}

interface Candidate {
  cluster: LiveCluster;
  /** The kind on the other end; the failure is the cause when causeIsFailure. */
  other: KindState;
  /** The other end's failure: the kind's anchor, or the failed attempt of the same trace. */
  otherFailure: string;
  causeIsFailure: boolean;
  relation: EdgeRelation;
  rule: string | null;
  weight: number;
}

interface TraceEntry {
  failureId: string;
  key: string;
  spanId: string;
  ms: number;
  /** The attempt itself failed, so what followed in the request was a retry or a fallback. */
  failedAttempt: boolean;
}

export function createCorrelator(settings: CorrelatorSettings): Correlator {
  const { windowMs } = settings;
  const clusters = new Set<LiveCluster>();
  /** Which active cluster holds each kind with failures of its own. */
  const owners = new Map<string, Owned>();
  /** Failures with a span, by trace, for same-trace links; least recently added trace first. */
  const traces = new Map<string, TraceEntry[]>();
  const fallbacks = createFallbackPairs(windowMs);
  const traffic = createTrafficShares(windowMs);
  const rulesByClass = indexRules(settings.rules);

  const close = (c: LiveCluster, atMs: number, out: CorrelationUpdate[]) => {
    clusters.delete(c);
    for (const [key, owned] of owners) if (owned.cluster === c) owners.delete(key);
    if (!isPublished(c)) return;
    c.state = 'closed';
    c.closedMs = atMs;
    out.push(takeUpdate(c, fallbacksOf(c, atMs)));
  };

  const expireBefore = (nowMs: number, out: CorrelationUpdate[]) => {
    for (const c of [...clusters]) if (c.lastMs + windowMs <= nowMs) close(c, c.lastMs + windowMs, out);
    while (traces.size > 0) {
      const [traceId, entries] = traces.entries().next().value!;
      if (traces.size <= settings.maxTraces && entries.at(-1)!.ms + windowMs > nowMs) break;
      traces.delete(traceId);
    }
  };

  const fallbacksOf = (c: LiveCluster, nowMs: number) =>
    fallbacks.from(new Set([...c.kinds.values()].map((k) => modelRef(k.provider, k.model))), nowMs);

  function candidatesFor(f: FailureFacts, ctx: RuleContext): Candidate[] {
    const out: Candidate[] = [];
    const own = owners.get(f.key);
    if (own && own.kind.anchor !== null)
      out.push({
        cluster: own.cluster,
        other: own.kind,
        otherFailure: own.kind.anchor,
        causeIsFailure: false,
        relation: 'recurrence',
        rule: null,
        weight: RECURRENCE_WEIGHT,
      });
    // A failed attempt earlier in the same request (a retry or fallback followed it).
    if (f.spanId !== null && f.traceId !== null) {
      for (const t of traces.get(f.traceId) ?? []) {
        if (t.spanId === f.spanId || t.key === f.key || !t.failedAttempt || t.ms > f.ms) continue;
        const owner = owners.get(t.key);
        if (owner)
          out.push({
            cluster: owner.cluster,
            other: owner.kind,
            otherFailure: t.failureId,
            causeIsFailure: false,
            relation: 'same_trace',
            rule: null,
            weight: SAME_TRACE_WEIGHT,
          });
      }
    }
    /** Between kinds that could cause each other, the one seen first is the cause, whichever failure arrives. */
    const seenFirst = (kind: KindState) => own !== undefined && own.kind.firstMs < kind.firstMs;
    for (const [key, { cluster, kind }] of owners) {
      if (key === f.key || kind.anchor === null || kind.lastMs + windowMs <= f.ms) continue;
      const forward = firstRule(rulesByClass.get(kind.cls)?.get(f.cls), kind, f, ctx);
      if (forward) {
        out.push({
          cluster,
          other: kind,
          otherFailure: kind.anchor,
          causeIsFailure: seenFirst(kind) && firstRule(rulesByClass.get(f.cls)?.get(kind.cls), f, kind, ctx) !== null,
          relation: 'causal',
          rule: forward.name,
          weight: forward.weight,
        });
        continue;
      }
      // A later cause links back to an earlier effect once per pair of kinds: every outage failure
      // re-linking to the first timeout would only repeat what the first link says. A pair a rule
      // or a trace already explains is not linked by time as well.
      const linked = pairLinks(cluster, f.key, kind.key);
      if (linked.has('causal') || linked.has('same_trace')) continue;
      const backward = linked.size > 0 ? null : firstRule(rulesByClass.get(f.cls)?.get(kind.cls), f, kind, ctx);
      if (backward) {
        out.push({
          cluster,
          other: kind,
          otherFailure: kind.anchor,
          causeIsFailure: true,
          relation: 'causal',
          rule: backward.name,
          weight: backward.weight,
        });
        continue;
      }
      if (kind.cls === f.cls && characteristicScope(kind, f, ctx) !== null) {
        const weight = TEMPORAL_WEIGHT * Math.max(0, 1 - (f.ms - kind.lastMs) / windowMs);
        if (weight > 0)
          out.push({
            cluster,
            other: kind,
            otherFailure: kind.anchor,
            causeIsFailure: seenFirst(kind),
            relation: 'temporal',
            rule: null,
            weight,
          });
      }
    }
    return out;
  }

  /** The cluster the failure joins: one it links to (merging the others into it), or a new one. */
  function clusterFor(
    f: FailureFacts,
    candidates: readonly Candidate[],
    out: CorrelationUpdate[],
  ): { cluster: LiveCluster; joined: Set<LiveCluster> } {
    const linked = [...new Set(candidates.map((c) => c.cluster))].filter((c) => c.state === 'active');
    if (linked.length === 0) {
      const c = createCluster(windowMs, f.ms);
      clusters.add(c);
      return { cluster: c, joined: new Set([c]) };
    }
    // The published, larger, older cluster survives, so its id stays.
    linked.sort((a, b) => Number(isPublished(b)) - Number(isPublished(a)) || b.eventCount - a.eventCount || a.openedMs - b.openedMs);
    const [into, ...rest] = linked;
    const joined = new Set([into]);
    for (const other of rest) {
      // A cluster grown to its kind limit stays apart rather than swallowing another.
      if (into.kinds.size + other.kinds.size > settings.maxKindsPerCluster) continue;
      mergeCluster(into, other);
      clusters.delete(other);
      for (const kind of other.kinds.values()) owners.set(kind.key, { cluster: into, kind });
      publishIfReady(into);
      other.mergedInto = into.id;
      if (isPublished(other)) out.push(takeUpdate(other, []));
      joined.add(other);
    }
    return { cluster: into, joined };
  }

  function join(event: FailureEvent, f: FailureFacts, ctx: RuleContext, out: CorrelationUpdate[]): void {
    const candidates = candidatesFor(f, ctx).filter(
      (c) => c.relation === 'recurrence' || c.cluster.kinds.size < settings.maxKindsPerCluster,
    );
    const { cluster, joined } = clusterFor(f, candidates, out);
    // The strongest candidate of each relation into this cluster draws an edge.
    const best = new Map<string, Candidate>();
    for (const c of candidates) {
      if (!joined.has(c.cluster)) continue;
      const key = `${c.relation}/${c.rule ?? ''}`;
      if (!best.has(key) || best.get(key)!.weight < c.weight) best.set(key, c);
    }
    const strongest = [...best.values()].sort((a, b) => b.weight - a.weight)[0];
    let kind = cluster.kinds.get(f.key);
    const newInCluster = kind === undefined;
    if (!kind) {
      kind = newKind(f, {
        relation: strongest ? strongest.relation : 'root',
        rule: strongest?.rule ?? null,
        anchor: f.failureId,
        ms: f.ms,
      });
      cluster.kinds.set(f.key, kind);
      owners.set(f.key, { cluster, kind });
    }
    observe(kind, f);
    for (const c of best.values()) {
      const [from, to] = c.causeIsFailure ? [kind, c.other] : [c.other, kind];
      tallyLink(cluster, from, to, c.relation, c.rule, c.weight);
      cluster.edgeCount += 1;
      if (cluster.pendingEdges.length < MAX_PENDING_EDGES)
        cluster.pendingEdges.push({
          source_failure_id: c.causeIsFailure ? f.failureId : c.otherFailure,
          target_failure_id: c.causeIsFailure ? c.otherFailure : f.failureId,
          relation: c.relation,
          rule: c.rule,
          weight: round(c.weight),
          at: event.timestamp,
        });
    }
    // A kind new to the cluster may be the effect (or cause) of a secondary match seen before it.
    if (newInCluster) for (const carried of cluster.sameCall.values()) linkCarried(cluster, carried, ctx);
    for (const s of event.secondary) {
      const key = kindKey(s.category, s.subtype, event.provider, event.model);
      let carried = cluster.sameCall.get(key);
      if (!carried) {
        const cls: FailureClass = classOfKind(s.category, s.subtype);
        carried = newKind(
          { category: s.category, subtype: s.subtype, provider: event.provider, model: event.model, cls },
          { relation: 'same_call', rule: null, anchor: f.failureId, ms: f.ms, carrier: kind },
        );
        cluster.sameCall.set(key, carried);
      }
      observe(carried, { ...f, cls: carried.cls });
      linkCarried(cluster, carried, ctx);
    }
    cluster.eventCount += 1;
    cluster.lastMs = Math.max(cluster.lastMs, f.ms);
    cluster.openedMs = Math.min(cluster.openedMs, f.ms);
    cluster.pendingMembers.push({ failureId: f.failureId, occurredAt: event.timestamp, kind });
    cluster.dirty = true;
    publishIfReady(cluster);
    if (f.spanId !== null && f.traceId !== null) {
      const entry = { failureId: f.failureId, key: f.key, spanId: f.spanId, ms: f.ms, failedAttempt: f.failedAttempt };
      const list = traces.get(f.traceId);
      if (list) list.push(entry);
      else traces.set(f.traceId, [entry]);
    }
  }

  /**
   * A secondary match is a failure too: the causal rules link it to the cluster's other kinds (kind
   * links only; its failures are the carrying ones), so a spend spike the classifier filed under a
   * rate-limited call can still be what exhausted the limit.
   */
  function linkCarried(cluster: LiveCluster, carried: KindState, ctx: RuleContext): void {
    for (const kind of cluster.kinds.values()) {
      if (pairLinks(cluster, carried.key, kind.key).size > 0) continue;
      const forward = firstRule(rulesByClass.get(kind.cls)?.get(carried.cls), kind, carried, ctx);
      if (forward) tallyLink(cluster, kind, carried, 'causal', forward.name, forward.weight);
      const backward = forward ? null : firstRule(rulesByClass.get(carried.cls)?.get(kind.cls), carried, kind, ctx);
      if (backward) tallyLink(cluster, carried, kind, 'causal', backward.name, backward.weight);
    }
  }

  return {
    process(events, calls) {
      const out: CorrelationUpdate[] = [];
      const byCall = indexCalls(calls);
      for (const call of byCall.values())
        traffic.record(call.timing.endMs, {
          team: call.identity.team ?? call.identity.teamAlias,
          route: call.identity.route,
          key: keyRefOf(call),
        });
      fallbacks.learn(calls);
      const sorted = events
        .map((event) => ({ event, facts: factsOf(event, byCall) }))
        .sort((a, b) => a.facts.ms - b.facts.ms || (a.facts.failureId < b.facts.failureId ? -1 : 1));
      for (const { event, facts } of sorted) {
        expireBefore(facts.ms, out);
        const ctx: RuleContext = { fallbacks, traffic, nowMs: facts.ms, maxTrafficShare: settings.maxTrafficShare };
        join(event, facts, ctx, out);
        while (clusters.size > settings.maxClusters) {
          const oldest = [...clusters].reduce((a, b) => (a.lastMs <= b.lastMs ? a : b));
          close(oldest, oldest.lastMs, out);
        }
      }
      for (const c of clusters) if (c.dirty && isPublished(c)) out.push(takeUpdate(c, fallbacksOf(c, c.lastMs)));
      return out;
    },
    expire(nowMs) {
      const out: CorrelationUpdate[] = [];
      expireBefore(nowMs, out);
      return out;
    },
    restore(stored) {
      for (const s of stored) {
        if (s.state !== 'active' || [...clusters].some((c) => c.id === s.cluster_id)) continue;
        const c = restoreCluster(s);
        clusters.add(c);
        fallbacks.restore(s.fallbacks);
        // A kind already live here (linked while the store was unreadable) stays where it is.
        for (const kind of c.kinds.values()) if (!owners.has(kind.key)) owners.set(kind.key, { cluster: c, kind });
      }
    },
    activeClusters() {
      let n = 0;
      for (const c of clusters) if (isPublished(c)) n++;
      return n;
    },
  };
}

function indexRules(rules: readonly CausalRule[]): Map<FailureClass, Map<FailureClass, CausalRule[]>> {
  const out = new Map<FailureClass, Map<FailureClass, CausalRule[]>>();
  for (const rule of rules)
    for (const cause of rule.causes)
      for (const effect of rule.effects) {
        let byEffect = out.get(cause);
        if (!byEffect) out.set(cause, (byEffect = new Map()));
        const list = byEffect.get(effect) ?? [];
        list.push(rule);
        byEffect.set(effect, list);
      }
  return out;
}

/** The relations by which the cluster already links these two kinds (either way). */
function pairLinks(c: LiveCluster, a: string, b: string): Set<EdgeRelation> {
  const out = new Set<EdgeRelation>();
  for (const l of c.links.values()) if ((l.from.key === a && l.to.key === b) || (l.from.key === b && l.to.key === a)) out.add(l.relation);
  return out;
}

/** The weightiest rule that links cause → effect, if any. */
function firstRule(rules: readonly CausalRule[] | undefined, cause: KindFacts, effect: KindFacts, ctx: RuleContext): CausalRule | null {
  let best: CausalRule | null = null;
  for (const rule of rules ?? []) if ((best === null || rule.weight > best.weight) && ruleApplies(rule, cause, effect, ctx)) best = rule;
  return best;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
