// Lanes other processors put on the batch when they run: the baseline processor's profiles (their
// usual failed-answer share) and the correlator's cluster updates (members to add up). Read by the
// fields this processor needs, checked one by one, so an item of another shape is skipped, not
// trusted; a pipeline without those processors has the lanes empty.
import { parseIsoTime } from './iso-time.ts';
import type { Subject } from './subject.ts';
import { modelKey } from './traffic.ts';

type Loose = Record<string, unknown>;
const isObject = (x: unknown): x is Loose => typeof x === 'object' && x !== null;
const text = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/** Keeps each profile's usual failed-answer share by provider/model (the latest wins). */
export function readBaselineQuality(items: readonly unknown[], into: Map<string, number>): void {
  for (const item of items) {
    if (!isObject(item) || !isObject(item.baseline)) continue;
    const provider = text(item.provider);
    const rate = item.baseline.quality_failure_rate;
    if (provider === null || typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) continue;
    // Profiles split by route or team are narrower than a model's failures: the model-wide one is used.
    if ((text(item.route) ?? '') !== '' || (text(item.team) ?? '') !== '') continue;
    into.set(modelKey(provider, text(item.model) || null), rate);
  }
}

type About = Pick<Subject, 'category' | 'subtype' | 'severity' | 'provider' | 'model' | 'firstMs' | 'lastMs'>;

export interface ClusterUpdate {
  clusterId: string;
  open: boolean;
  members: string[];
  /** Its root cause, and its opening and last times as given: what aboutCluster reads when the cluster is new here. */
  root: { category: About['category']; subtype: string | null; provider: string | null; model: string | null };
  openedAt: string | null;
  lastAt: string | null;
}

const CATEGORIES = new Set(['security', 'provider', 'cost', 'quality', 'data']);

/** The cluster updates of the correlations lane: id, state, root cause and the failures that joined. */
export function readClusterUpdates(items: readonly unknown[]): ClusterUpdate[] {
  const out: ClusterUpdate[] = [];
  for (const item of items) {
    if (!isObject(item) || !isObject(item.cluster)) continue;
    const c = item.cluster;
    const id = text(c.cluster_id);
    const root = isObject(c.root_cause) ? c.root_cause : {};
    const category = text(root.category);
    if (id === null || category === null || !CATEGORIES.has(category)) continue;
    const members: string[] = [];
    if (Array.isArray(item.new_members))
      for (const m of item.new_members) if (isObject(m) && typeof m.failure_id === 'string') members.push(m.failure_id);
    out.push({
      clusterId: id,
      open: text(c.state) === 'active',
      members,
      root: {
        category: category as About['category'],
        subtype: text(root.subtype),
        provider: text(root.provider),
        model: text(root.model),
      },
      openedAt: text(c.opened_at) ?? text(c.first_seen_at),
      lastAt: text(c.last_seen_at),
    });
  }
  return out;
}

/** What a cluster new to this processor starts its subject with: its root cause and times. */
export function aboutCluster(u: ClusterUpdate): About {
  const opened = parseIsoTime(u.openedAt ?? '');
  const last = parseIsoTime(u.lastAt ?? '');
  return {
    category: u.root.category,
    subtype: u.root.subtype ?? '*',
    severity: 'P3',
    provider: u.root.provider ?? '*',
    model: u.root.model,
    firstMs: Number.isFinite(opened) ? opened : Number.isFinite(last) ? last : 0,
    lastMs: Number.isFinite(last) ? last : Number.isFinite(opened) ? opened : 0,
  };
}
