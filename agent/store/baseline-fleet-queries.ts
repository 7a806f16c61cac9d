// The fleet baseline tables as the lease holder merges them (migrations/0009_baseline_fleet_parts.sql)
// and as every agent reads the merged profiles back. Parts of an agent whose agent_instances row
// has not been refreshed for `goneAfterMs` belong to a stopped agent. Every query is parameterized.
import type pg from 'pg';
import type { Database } from './database.ts';
import type { PartRow, ProfileRow } from './baseline-rows.ts';

export type { PartRow };

/** A profile key: provider, model, route, team. */
export type PartKey = [string, string, string, string];

/** Parts of a stopped agent: not seen in agent_instances for the milliseconds in parameter `param`. */
const gone = (param: string) => `p.agent_instance <> '' AND NOT EXISTS (
  SELECT 1 FROM agent_instances a WHERE a.instance_id = p.agent_instance AND a.last_seen_at > now() - ${param} * interval '1 millisecond')`;
const PART_FIELDS = 'p.provider, p.model, p.route, p.team, p.agent_instance, p.model_class, p.samples, p.current, p.state, p.updated_at';
const IN_KEYS = '(p.provider, p.model, p.route, p.team) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]))';

const keyColumns = (keys: readonly PartKey[]): string[][] => [0, 1, 2, 3].map((i) => keys.map((k) => k[i]));

/**
 * Keys with a part written at or after transaction `since` ('0': all) by a transaction that has
 * ended, or with a part of a stopped agent; and where the next read starts (the horizon).
 */
export async function selectChangedPartKeys(db: Database, since: string, goneAfterMs: number): Promise<{ keys: PartKey[]; next: string }> {
  const { rows } = await db.pool.query<{ provider: string | null; model: string; route: string; team: string; horizon: string }>(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
     SELECT DISTINCT p.provider, p.model, p.route, p.team, h.horizon::text AS horizon
       FROM h LEFT JOIN baseline_profile_parts p
         ON (p.tx_id >= $1::xid8 AND p.tx_id < h.horizon) OR (${gone('$2')})`,
    [since, goneAfterMs],
  );
  return {
    keys: rows.filter((r) => r.provider !== null).map((r) => [r.provider!, r.model, r.route, r.team]),
    next: rows[0]?.horizon ?? since,
  };
}

/** In the leader's transaction: deletes the parts of stopped agents among `keys`, returning them. */
export async function takeStoppedParts(client: pg.ClientBase, keys: readonly PartKey[], goneAfterMs: number): Promise<PartRow[]> {
  const { rows } = await client.query<PartRow>(
    `DELETE FROM baseline_profile_parts p WHERE ${IN_KEYS} AND ${gone('$5')} RETURNING ${PART_FIELDS}`,
    [...keyColumns(keys), goneAfterMs],
  );
  return rows;
}

/** The parts of `keys` left (the retired parts included). */
export async function selectParts(client: pg.ClientBase, keys: readonly PartKey[]): Promise<PartRow[]> {
  const { rows } = await client.query<PartRow>(`SELECT ${PART_FIELDS} FROM baseline_profile_parts p WHERE ${IN_KEYS}`, keyColumns(keys));
  return rows;
}

export type MergedProfileRow = Pick<ProfileRow, 'provider' | 'model' | 'route' | 'team' | 'state'> & { recorded_at: Date };

/**
 * Merged profiles written at or after `since` (database time; null: all), in (recorded_at, key)
 * order, continuing after `after` (the last row of the previous page).
 */
export async function selectProfilesRecordedSince(
  db: Database,
  since: Date | null,
  after: MergedProfileRow | null,
  limit: number,
): Promise<MergedProfileRow[]> {
  const { rows } = await db.pool.query<MergedProfileRow>(
    `SELECT provider, model, route, team, state, recorded_at FROM baseline_profiles
      WHERE recorded_at >= coalesce($1, '-infinity'::timestamptz)
        AND ($2::timestamptz IS NULL OR (recorded_at, provider, model, route, team) > ($2, $3, $4, $5, $6))
      ORDER BY recorded_at, provider, model, route, team LIMIT $7`,
    [since, after?.recorded_at ?? null, after?.provider ?? '', after?.model ?? '', after?.route ?? '', after?.team ?? '', limit],
  );
  return rows;
}
