// The baselines lane's writer: baseline_profiles (or, for a fleet agent's part, baseline_profile_parts)
// upserted keeping the newest snapshot of each key (event time), and the hour rows of provider_baselines
// upserted keeping the fuller count, since a later snapshot of the same hour holds more calls.
// Both idempotent, so a snapshot delivered twice changes nothing.
import type pg from 'pg';
import { baselineKey, type BaselineSnapshot } from '../../core/model/baseline.ts';
import { HOUR_COLUMNS, hourToRows, PART_COLUMNS, PART_KEY, partToParams, PROFILE_COLUMNS, profileToParams } from '../baseline-rows.ts';
import { insertRows } from './insert-rows.ts';
import type { LaneWriteOptions, LaneWriter } from './lane-writer.ts';

const PROFILE_UPDATE = PROFILE_COLUMNS.filter((c) => !['provider', 'model', 'route', 'team'].includes(c))
  .map((c) => `${c} = EXCLUDED.${c}`)
  .concat('recorded_at = now()')
  .join(', ');
const PART_UPDATE = PART_COLUMNS.filter((c) => !PART_KEY.includes(c))
  .map((c) => `${c} = EXCLUDED.${c}`)
  .concat('recorded_at = now()', 'tx_id = pg_current_xact_id()')
  .join(', ');
const HOUR_KEY = ['provider', 'model', 'route', 'team', 'metric_name', 'measured_at', 'agent_instance'];
const HOUR_UPDATE = HOUR_COLUMNS.filter((c) => !HOUR_KEY.includes(c))
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

export const baselinesWriter: LaneWriter<BaselineSnapshot> = {
  recordType: 'baseline_snapshot',
  write: writeBaselines,
};

/** Upserts profiles into baseline_profiles, keeping a stored row with a later event time. */
export async function upsertProfiles(
  client: pg.PoolClient,
  snapshots: readonly BaselineSnapshot[],
  agentInstance: string | null,
  maxRows: number,
): Promise<void> {
  await insertRows(
    client,
    'baseline_profiles',
    PROFILE_COLUMNS,
    snapshots.map((s) => profileToParams(s, agentInstance)),
    `ON CONFLICT (provider, model, route, team) DO UPDATE SET ${PROFILE_UPDATE} WHERE baseline_profiles.updated_at <= EXCLUDED.updated_at`,
    maxRows,
  );
}

/** Upserts parts (rows of PART_COLUMNS) into baseline_profile_parts, keeping a stored row with a later event time. */
export async function upsertPartRows(client: pg.PoolClient, rows: unknown[][], maxRows: number): Promise<void> {
  await insertRows(
    client,
    'baseline_profile_parts',
    PART_COLUMNS,
    rows,
    `ON CONFLICT (provider, model, route, team, agent_instance) DO UPDATE SET ${PART_UPDATE} WHERE baseline_profile_parts.updated_at <= EXCLUDED.updated_at`,
    maxRows,
  );
}

async function writeBaselines(client: pg.PoolClient, snapshots: readonly BaselineSnapshot[], options: LaneWriteOptions): Promise<void> {
  // ON CONFLICT DO UPDATE may touch a row once per statement: the newest snapshot of each key.
  const latest = new Map<string, BaselineSnapshot>();
  for (const s of snapshots) {
    const key = baselineKey(s);
    const seen = latest.get(key);
    if (!seen || Date.parse(seen.at) <= Date.parse(s.at)) latest.set(key, s);
  }
  const newest = [...latest.values()];
  const profiles = newest.filter((s) => s.part !== true);
  await upsertProfiles(client, profiles, options.agentInstance, options.maxRowsPerStatement);
  const parts = newest.filter((s) => s.part === true);
  if (parts.length > 0 && !options.agentInstance)
    throw new Error("Baseline parts need the writing agent's instance id (fleet mode runs with a database and a lease).");
  await upsertPartRows(
    client,
    parts.map((s) => partToParams(s, options.agentInstance)),
    options.maxRowsPerStatement,
  );
  const hours = new Map<string, unknown[]>();
  const countAt = HOUR_COLUMNS.indexOf('sample_count');
  for (const s of snapshots)
    for (const h of s.hours)
      for (const row of hourToRows(s, h, options.agentInstance)) {
        const key = JSON.stringify(row.slice(0, HOUR_KEY.length));
        const seen = hours.get(key);
        if (!seen || (seen[countAt] as number) <= (row[countAt] as number)) hours.set(key, row);
      }
  await insertRows(
    client,
    'provider_baselines',
    HOUR_COLUMNS,
    [...hours.values()],
    `ON CONFLICT (${HOUR_KEY.join(', ')}) DO UPDATE SET ${HOUR_UPDATE} WHERE provider_baselines.sample_count <= EXCLUDED.sample_count`,
    options.maxRowsPerStatement,
  );
}
