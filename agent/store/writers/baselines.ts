// The baselines lane's writer: baseline_profiles upserted
// keeping the newest snapshot of each key (event time), and the hour rows of provider_baselines
// upserted keeping the fuller count, since a later snapshot of the same hour holds more calls.
// Both idempotent, so a snapshot delivered twice changes nothing.
import type pg from 'pg';
import { baselineKey, type BaselineSnapshot } from '../../core/model/baseline.ts';
import { HOUR_COLUMNS, hourToRows, PROFILE_COLUMNS, profileToParams } from '../baseline-rows.ts';
import { insertRows } from './insert-rows.ts';
import type { LaneWriteOptions, LaneWriter } from './lane-writer.ts';

const PROFILE_UPDATE = PROFILE_COLUMNS.filter((c) => !['provider', 'model', 'route', 'team'].includes(c))
  .map((c) => `${c} = EXCLUDED.${c}`)
  .concat('recorded_at = now()')
  .join(', ');
const HOUR_KEY = ['provider', 'model', 'route', 'team', 'metric_name', 'measured_at', 'agent_instance'];
const HOUR_UPDATE = HOUR_COLUMNS.filter((c) => !HOUR_KEY.includes(c))
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

export const baselinesWriter: LaneWriter<BaselineSnapshot> = {
  recordType: 'baseline_snapshot',
  write: writeBaselines,
};

async function writeBaselines(client: pg.PoolClient, snapshots: readonly BaselineSnapshot[], options: LaneWriteOptions): Promise<void> {
  // ON CONFLICT DO UPDATE may touch a row once per statement: the newest snapshot of each key.
  const latest = new Map<string, BaselineSnapshot>();
  for (const s of snapshots) {
    const key = baselineKey(s);
    const seen = latest.get(key);
    if (!seen || Date.parse(seen.at) <= Date.parse(s.at)) latest.set(key, s);
  }
  await insertRows(
    client,
    'baseline_profiles',
    PROFILE_COLUMNS,
    [...latest.values()].map((s) => profileToParams(s, options.agentInstance)),
    `ON CONFLICT (provider, model, route, team) DO UPDATE SET ${PROFILE_UPDATE} WHERE baseline_profiles.updated_at <= EXCLUDED.updated_at`,
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
