// What a replay's correlator reported: the clusters it left (merges followed to their survivor),
// which failures each holds, when each was first reported, and how far it compressed the failures;
// the timeline section that prints each cluster as root → effects; and the check of a scenario's
// `correlations:` expectations.
import type { CorrelationCluster, CorrelationUpdate } from '../../core/model/correlation.ts';
import type { FailureEvent } from '../../core/model/failure-event.ts';
import type { CorrelationExpectation, ExpectedKind } from '../simulate/scenario-schema.ts';
import { formatDuration, formatOffset } from './timeline.ts';

export interface ReplayCluster {
  cluster: CorrelationCluster;
  /** Event time the cluster (or one merged into it) was first reported. */
  reportedAtMs: number;
  failureIds: Set<string>;
}

export interface CorrelationSummary {
  clusters: ReplayCluster[];
  events: number;
  /** Failure events in no cluster (alone in their window). */
  alone: number;
  /** Failure events per page-worthy unit: events ÷ (clusters + events alone); null without events. */
  compression: number | null;
}

export function summarizeCorrelations(
  updates: readonly { item: CorrelationUpdate; emittedAtMs: number }[],
  events: readonly FailureEvent[],
): CorrelationSummary {
  const mergedInto = new Map<string, string>();
  const latest = new Map<string, CorrelationCluster>();
  for (const { item } of updates) {
    const c = item.cluster;
    if (c.state === 'merged' && c.merged_into !== null) mergedInto.set(c.cluster_id, c.merged_into);
    const seen = latest.get(c.cluster_id);
    if (!seen || seen.revision < c.revision) latest.set(c.cluster_id, c);
  }
  const survivor = (id: string): string => {
    for (let i = 0; i < 100 && mergedInto.has(id); i++) id = mergedInto.get(id)!;
    return id;
  };
  const byId = new Map<string, ReplayCluster>();
  for (const c of latest.values())
    if (c.state !== 'merged') byId.set(c.cluster_id, { cluster: c, reportedAtMs: Infinity, failureIds: new Set() });
  for (const { item, emittedAtMs } of updates) {
    const into = byId.get(survivor(item.cluster.cluster_id));
    if (!into) continue;
    into.reportedAtMs = Math.min(into.reportedAtMs, emittedAtMs);
    for (const m of item.new_members) into.failureIds.add(m.failure_id);
  }
  const clusters = [...byId.values()].sort((a, b) => a.reportedAtMs - b.reportedAtMs);
  const clustered = new Set(clusters.flatMap((c) => [...c.failureIds]));
  const alone = events.filter((e) => !clustered.has(e.failure_id)).length;
  const units = clusters.length + alone;
  return { clusters, events: events.length, alone, compression: units === 0 ? null : events.length / units };
}

interface KindLike {
  category: string;
  subtype: string;
  provider: string;
  model: string | null;
}

const matches = (want: ExpectedKind, k: KindLike): boolean =>
  want.category === k.category &&
  (want.subtype === undefined || want.subtype === k.subtype) &&
  (want.provider === undefined || want.provider === k.provider) &&
  (want.model === undefined || want.model === k.model);

export const kindLabel = (k: ExpectedKind | KindLike): string =>
  `${k.category}/${k.subtype ?? '*'}${k.provider ? ` ${k.provider}` : ''}${k.model ? ` ${k.model}` : ''}`;

/** One verdict per expectation: a line for the check, and whether it held. */
export function checkCorrelations(
  expected: readonly CorrelationExpectation[],
  summary: CorrelationSummary,
  events: readonly FailureEvent[],
  firstFailureMs: number | null,
): { ok: boolean; line: string }[] {
  return expected.map((want, k) => {
    const what = `correlation ${kindLabel(want.root)}${want.effects.length ? ` → ${want.effects.map(kindLabel).join(', ')}` : ''}`;
    const rooted = summary.clusters.filter((c) => matches(want.root, c.cluster.root_cause));
    const hasEffects = (c: ReplayCluster) =>
      want.effects.every((e) => c.cluster.members.some((m) => m.relation !== 'root' && matches(e, m)));
    const chosen = rooted.find(hasEffects) ?? rooted[0];
    const why = want.why ? ` (${want.why})` : '';
    if (!chosen) {
      const roots = summary.clusters.map((c) => kindLabel(c.cluster.root_cause));
      return { ok: false, line: `${what}: no cluster rooted there; roots: ${roots.length ? roots.join('; ') : 'none'}${why}` };
    }
    const c = chosen.cluster;
    const problems: string[] = [];
    const missing = want.effects.filter((e) => !c.members.some((m) => m.relation !== 'root' && matches(e, m)));
    if (missing.length > 0) problems.push(`effects not in the cluster: ${missing.map(kindLabel).join(', ')}`);
    for (const all of want.contains_all) {
      const of = events.filter((e) => matches(all, e));
      const outside = of.filter((e) => !chosen.failureIds.has(e.failure_id)).length;
      if (outside > 0) problems.push(`${outside} of ${of.length} ${kindLabel(all)} events outside it`);
    }
    expected.forEach((other, j) => {
      if (j !== k && c.members.some((m) => m.relation !== 'same_call' && matches(other.root, m)))
        problems.push(`it also holds ${kindLabel(other.root)}, the root of another fault`);
    });
    const after = firstFailureMs === null ? null : chosen.reportedAtMs - firstFailureMs;
    if (want.within_secs !== undefined && after !== null && after > want.within_secs * 1000)
      problems.push(`reported after ${formatDuration(after)}, expected within ${want.within_secs}s`);
    const facts = `cluster ${c.cluster_id.slice(0, 8)} (${c.cluster_type}, strength ${c.strength}, ${c.event_count} events)${after === null ? '' : `, reported after ${formatDuration(after)}`}`;
    return problems.length > 0 ? { ok: false, line: `${what}: ${problems.join('; ')}${why}` } : { ok: true, line: `${what}: ${facts}` };
  });
}

/** Each cluster as root → effects, in the order they were reported. */
export function formatCorrelations(summary: CorrelationSummary, startMs: number): string {
  const n = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;
  let out = `${n(summary.events, 'failure event')} → ${n(summary.clusters.length, 'cluster')} + ${summary.alone} alone`;
  out += summary.compression === null ? '\n' : ` (compression ${summary.compression.toFixed(1)}:1)\n`;
  for (const { cluster: c, reportedAtMs } of summary.clusters) {
    const [root, ...effects] = c.members;
    out += `  ${formatOffset(reportedAtMs - startMs).padStart(9)}  ${c.cluster_type.padEnd(12)} strength ${c.strength.toFixed(2)}  ${n(c.event_count, 'event')}  ${kindLabel(root)}  (${c.state})\n`;
    for (const e of effects) out += `  ${' '.repeat(9)}    → ${kindLabel(e)} ×${e.count} (${e.relation}${e.rule ? ` ${e.rule}` : ''})\n`;
  }
  return out;
}
