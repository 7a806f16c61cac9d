// The other agents' share of an SLO, as the fleet leader holds it: their minute counts (whole
// counts, read from slo_buckets) added into one ring, each row counted by what it adds to the last
// count seen of that agent's minute. Evaluating reads this ring and the leader's own live counts
// together (`combinedCounts`).
import { createSloCounts, FIELDS, zeroCounts, type Counts, type SloCounts, type SloWindowReader } from './counts.ts';

/**
 * How far back the last count of each agent's minute is remembered (event time). A changed row of
 * an older minute (a span arriving hours late) is dropped rather than counted twice.
 */
export const REMEMBERED_MS = 6 * 3_600_000;

export interface FleetCounts {
  readonly counts: SloCounts;
  /**
   * One agent's whole count of a minute, as of event time nowMs. `firstRead`: the read of the whole
   * window when this agent took the lease, where every minute is new.
   */
  apply(agentInstance: string, minuteStartMs: number, whole: Counts, nowMs: number, firstRead: boolean): void;
  /** Forgets the minutes older than REMEMBERED_MS before nowMs. */
  prune(nowMs: number): void;
}

export function createFleetCounts(windowMs: number): FleetCounts {
  const counts = createSloCounts(windowMs);
  /** agent instance → minute start → the last whole count applied. */
  const last = new Map<string, Map<number, Counts>>();
  return {
    counts,
    apply(agentInstance, minuteStartMs, whole, nowMs, firstRead) {
      const recent = minuteStartMs > nowMs - REMEMBERED_MS;
      if (!recent && !firstRead) return;
      let minutes = last.get(agentInstance);
      if (!minutes) last.set(agentInstance, (minutes = new Map()));
      const before = minutes.get(minuteStartMs);
      const delta = zeroCounts();
      for (const f of FIELDS) delta[f] = whole[f] - (before?.[f] ?? 0);
      counts.add(minuteStartMs, delta);
      if (recent) minutes.set(minuteStartMs, { ...whole });
    },
    prune(nowMs) {
      for (const [agent, minutes] of last) {
        for (const m of minutes.keys()) if (m <= nowMs - REMEMBERED_MS) minutes.delete(m);
        if (minutes.size === 0) last.delete(agent);
      }
    },
  };
}

/** Two count rings read as one: what the leader evaluates (its own counts and the other agents'). */
export function combinedCounts(a: SloWindowReader, b: SloWindowReader): SloWindowReader {
  return {
    sums(nowMs, windowsMs) {
      const y = b.sums(nowMs, windowsMs);
      return a.sums(nowMs, windowsMs).map((c, i) => {
        const out = zeroCounts();
        for (const f of FIELDS) out[f] = c[f] + y[i][f];
        return out;
      });
    },
    firstMs() {
      const fa = a.firstMs();
      const fb = b.firstMs();
      return fa === null ? fb : fb === null ? fa : Math.min(fa, fb);
    },
  };
}
