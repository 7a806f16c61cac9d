// What an slo processor in fleet scope knows of the other agents. While this agent holds the fleet
// lease: every other agent's minute counts, read once in full when it takes the lease and then as
// they change (slo_buckets rows by transaction id, as the incidents leader reads failure_events);
// it evaluates them with its own. While it does not: the leader's latest evaluation, so the budget
// a failure consumed is a share of the fleet's budget, not of this agent's slice of the traffic.
import type { Logger } from 'pino';
import type { Leadership } from '../../agent/core/leadership.ts';
import type { SloSpec, SloStatus } from '../../agent/core/model/slo.ts';
import { createSampledWarning } from '../../agent/core/sampled-warning.ts';
import type { Database } from '../../agent/store/database.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import {
  listSloStatus,
  selectChangedSloBuckets,
  selectOtherAgentsSloBuckets,
  sloHorizon,
  type AgentSloBucket,
} from '../../agent/store/slo-queries.ts';
import { createFleetCounts, type FleetCounts } from './fleet-counts.ts';

const DAY_MS = 86_400_000;

export interface FleetView {
  /** Reads what changed since the last sync (the whole window after taking the lease). */
  sync(nowMs: number): Promise<void>;
  /** The other agents' counts of an SLO while this agent leads and has read them; else null. */
  others(slo: string): FleetCounts | null;
  /** The fleet leader's latest evaluation of an SLO, as last read while not leading. */
  leaderStatus(slo: string): SloStatus | null;
}

interface Led {
  epoch: number;
  cursor: string;
  counts: Map<string, FleetCounts>;
}

export function createFleetView(
  specs: readonly SloSpec[],
  instance: string,
  leadership: Leadership,
  database: Database,
  logger: Logger,
): FleetView {
  const names = specs.map((s) => s.name);
  const longestMs = Math.max(...specs.map((s) => s.window_days * DAY_MS));
  const warn = createSampledWarning(logger);
  let led: Led | null = null;
  let statuses = new Map<string, SloStatus>();

  const applyAll = (target: Led, buckets: AgentSloBucket[], nowMs: number, firstRead: boolean) => {
    for (const b of buckets) target.counts.get(b.slo)?.apply(b.agent_instance, Date.parse(b.start), b, nowMs, firstRead);
  };

  async function takeOver(epoch: number, nowMs: number): Promise<Led> {
    // The horizon first: a row changed after it is read again by the next sync (reading twice is harmless).
    const cursor = await sloHorizon(database);
    const fresh: Led = { epoch, cursor, counts: new Map(specs.map((s) => [s.name, createFleetCounts(s.window_days * DAY_MS)])) };
    const since = new Date(nowMs - longestMs).toISOString();
    applyAll(fresh, await selectOtherAgentsSloBuckets(database, names, instance, since), nowMs, true);
    logger.info({ epoch, slos: names.length }, 'Evaluating SLOs for the fleet: read the other agents’ counts.');
    return fresh;
  }

  return {
    async sync(nowMs) {
      const epoch = leadership.epoch();
      try {
        if (epoch === null) {
          led = null;
          statuses = new Map((await listSloStatus(database)).filter((r) => r.agent_instance !== instance).map((r) => [r.slo, r.status]));
          return;
        }
        if (led === null || led.epoch !== epoch) {
          led = await takeOver(epoch, nowMs);
          return;
        }
        const { buckets, next } = await selectChangedSloBuckets(database, names, instance, led.cursor);
        applyAll(led, buckets, nowMs, false);
        led.cursor = next;
        for (const c of led.counts.values()) c.prune(nowMs);
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
        warn({ err }, 'The database cannot be read: SLOs are evaluated with the other agents’ counts as last read.');
      }
    },
    others: (slo) => (led !== null && led.epoch === leadership.epoch() ? (led.counts.get(slo) ?? null) : null),
    leaderStatus: (slo) => statuses.get(slo) ?? null,
  };
}
