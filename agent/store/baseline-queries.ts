// Reads of the baseline tables: the profiles the baseline processor restores at start. Every
// query is parameterized.
import type { Database } from './database.ts';
import { PROFILE_COLUMNS, type ProfileRow } from './baseline-rows.ts';

/** Every stored profile, most recently updated first (so a capped restore keeps the live ones). */
export async function selectBaselineProfiles(db: Database, limit: number): Promise<ProfileRow[]> {
  const { rows } = await db.pool.query<ProfileRow>(
    `SELECT ${PROFILE_COLUMNS.join(', ')} FROM baseline_profiles ORDER BY updated_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}
