// Baselines learned once for the fleet. Each agent learns from the calls it sees and stores that as
// its part of each key (snapshots marked `part`). Every merge_interval_ms the lease holder merges
// the parts of the keys changed since its last merge into one profile per key (profile-merge.ts)
// and writes it to baseline_profiles, in a transaction fenced by its epoch; the parts of agents
// that have stopped are folded into the key's retired part in the same transaction, so a restarted
// agent (a new instance, starting its part afresh) never counts its predecessor's calls twice.
// Then every agent, the leader too, reads the merged profiles back and judges against them.
import type { Cancel } from '../../agent/core/clock.ts';
import type { ProcessorContext } from '../../agent/core/component.ts';
import type { Database } from '../../agent/core/database.ts';
import { LeaseLostError } from '../../agent/core/leadership.ts';
import { baselineKey, CurrentFigures, type BaselineSnapshot } from '../../agent/core/model/baseline.ts';
import {
  selectChangedPartKeys,
  selectParts,
  selectProfilesRecordedSince,
  takeStoppedParts,
  type PartKey,
  type MergedProfileRow,
  type PartRow,
} from '../../agent/store/baseline-fleet-queries.ts';
import { partRowToParams } from '../../agent/store/baseline-rows.ts';
import { isStoreNotReady } from '../../agent/store/database-unavailable.ts';
import { fencedTransaction } from '../../agent/store/fleet-events.ts';
import { upsertPartRows, upsertProfiles } from '../../agent/store/writers/baselines.ts';
import { Buffer } from 'node:buffer';
import type { BaselineConfig } from './config.ts';
import { baselineFigures, currentFigures, deviationRatios } from './figures.ts';
import { profileSettings } from './key-state.ts';
import { mergeProfiles } from './profile-merge.ts';
import { hourOfWeek } from './slot.ts';
import { thresholdsFor } from './thresholds.ts';

/** Keys merged per transaction, so one merge of a large fleet does not hold a long transaction. */
const KEYS_PER_TRANSACTION = 100;
const ROWS_PER_STATEMENT = 500;
/** Merged profiles read back per query. */
const READ_PAGE = 500;
/** Merged rows are read again from this long before the newest seen: a write commits after its now(). */
const READ_OVERLAP_MS = 10_000;

export interface FleetBaselines {
  /** Reads the merged profiles (at start, so a restarted agent judges against the fleet's history at once). */
  restore(): Promise<void>;
  start(): void;
  stop(): Promise<void>;
}

/** What the processor gives the fleet loop: where a merged profile of a key goes. */
export type ReferenceSink = (id: string, state: Uint8Array) => void;

export function startFleetBaselines(
  config: BaselineConfig,
  ctx: ProcessorContext,
  database: Database,
  sink: ReferenceSink,
): FleetBaselines {
  const settings = profileSettings(config);
  /** Where the leader's next merge reads changed parts from ('0': all, after gaining the lease). */
  let cursor = '0';
  /** The newest merged row read back (database time). */
  let readSince: Date | null = null;
  let cancel: Cancel | null = null;
  let running: Promise<void> | null = null;
  let unsubscribe: (() => void) | null = null;

  const mergeKeys = async (epoch: number, keys: PartKey[]): Promise<void> => {
    await fencedTransaction(database, ctx.leadership, epoch, async (client) => {
      const stopped = group(await takeStoppedParts(client, keys, config.retire_after_ms));
      const left = group(await selectParts(client, keys));
      const retired: unknown[][] = [];
      const merged: BaselineSnapshot[] = [];
      // A key whose only parts were stopped ones has nothing left: its retired part is all of it.
      for (const id of new Set([...left.keys(), ...stopped.keys()])) {
        const parts = left.get(id) ?? [];
        const gone = stopped.get(id) ?? [];
        let old = parts.find((p) => p.agent_instance === '');
        if (gone.length > 0) {
          old = retiredPart([...(old ? [old] : []), ...gone]);
          retired.push(partRowToParams(old));
        }
        merged.push(fleetSnapshot([...(old ? [old] : []), ...parts.filter((p) => p.agent_instance !== '')]));
      }
      await upsertPartRows(client, retired, ROWS_PER_STATEMENT);
      await upsertProfiles(client, merged, ctx.leadership.holder, ROWS_PER_STATEMENT);
    });
  };

  /** The stopped parts of a key merged into one, under agent_instance ''. */
  const retiredPart = (parts: PartRow[]): PartRow => ({
    ...newest(parts),
    agent_instance: '',
    samples: String(parts.reduce((n, p) => n + Number(p.samples), 0)),
    current: {},
    state: Buffer.from(mergeProfiles(settings, parts.map(bytesOf)).encode()),
  });

  const fleetSnapshot = (parts: PartRow[]): BaselineSnapshot => {
    const latest = newest(parts);
    const profile = mergeProfiles(settings, parts.map(bytesOf));
    const at = latest.updated_at.getTime();
    const slot = hourOfWeek(at);
    const t = thresholdsFor(profile, slot, config);
    const baseline = baselineFigures(t, config);
    // The window shown is the most recent agent's: the fleet has no window of its own.
    const live = parts.filter((p) => p.agent_instance !== '');
    const shown = CurrentFigures.safeParse(live.length > 0 ? newest(live).current : null);
    const current = shown.success ? shown.data : currentFigures(null, config.window_ms);
    return {
      provider: latest.provider,
      model: latest.model,
      route: latest.route,
      team: latest.team,
      model_class: latest.model_class,
      at: latest.updated_at.toISOString(),
      slot,
      samples: profile.samples(),
      ready: profile.samples() >= config.ready_samples,
      baseline,
      current,
      deviation: deviationRatios(current, baseline, t),
      hours: [],
      open_episodes: {},
      state: Buffer.from(profile.encode()).toString('base64'),
    };
  };

  const merge = async (epoch: number): Promise<void> => {
    const { keys, next } = await selectChangedPartKeys(database, cursor, config.retire_after_ms);
    for (let i = 0; i < keys.length; i += KEYS_PER_TRANSACTION) await mergeKeys(epoch, keys.slice(i, i + KEYS_PER_TRANSACTION));
    cursor = next;
  };

  /** Reads the merged profiles written since the last read; returns how many were read. */
  const readBack = async (): Promise<number> => {
    const since = readSince === null ? null : new Date(readSince.getTime() - READ_OVERLAP_MS);
    let read = 0;
    let after: MergedProfileRow | null = null;
    do {
      const rows: MergedProfileRow[] = await selectProfilesRecordedSince(database, since, after, READ_PAGE);
      for (const r of rows) sink(baselineKey(r), bytesOf(r));
      read += rows.length;
      after = rows.length === READ_PAGE ? rows[rows.length - 1] : null;
      const newestRead = rows.at(-1)?.recorded_at;
      if (newestRead !== undefined && (readSince === null || newestRead > readSince)) readSince = newestRead;
    } while (after !== null);
    return read;
  };

  const poll = async (): Promise<void> => {
    const epoch = ctx.leadership.epoch();
    try {
      if (epoch !== null) await merge(epoch);
      await readBack();
    } catch (err) {
      if (err instanceof LeaseLostError) cursor = '0';
      else if (isStoreNotReady(err))
        ctx.logger.warn({ err }, 'The database cannot be reached: fleet baselines are merged again once it can.');
      else ctx.logger.error({ err }, 'Merging or reading fleet baselines failed; trying again at the next merge.');
    }
  };

  return {
    async restore() {
      try {
        const profiles = await readBack();
        if (profiles > 0) ctx.logger.info({ profiles, scope: 'fleet' }, 'Restored baseline profiles.');
      } catch (err) {
        if (!isStoreNotReady(err)) throw err;
        ctx.logger.warn('The database cannot be read yet: baselines judge on their own calls until the fleet profiles can be read.');
      }
    },
    start() {
      // A new epoch may follow another leader's merges: read every changed part again.
      unsubscribe = ctx.leadership.onChange(() => {
        cursor = '0';
      });
      cancel = ctx.scheduler.every(config.merge_interval_ms, () => {
        if (running !== null) return running;
        running = poll().finally(() => {
          running = null;
        });
        return running;
      });
    },
    async stop() {
      cancel?.();
      cancel = null;
      unsubscribe?.();
      await running;
    },
  };
}

function group(rows: PartRow[]): Map<string, PartRow[]> {
  const byKey = new Map<string, PartRow[]>();
  for (const r of rows) {
    const id = baselineKey(r);
    const list = byKey.get(id);
    if (list) list.push(r);
    else byKey.set(id, [r]);
  }
  return byKey;
}

const newest = (parts: PartRow[]): PartRow => parts.reduce((a, b) => (b.updated_at > a.updated_at ? b : a));

const bytesOf = (r: { state: Buffer }): Uint8Array => new Uint8Array(r.state.buffer, r.state.byteOffset, r.state.byteLength);
