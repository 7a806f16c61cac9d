// Reads for the weekly report that the other query modules do not already answer: failure events
// counted per category, subtype and provider over a window. Parameterized like every query.
import type { Database } from './database.ts';

export interface FailureCount {
  category: string;
  subtype: string;
  provider: string;
  count: number;
}

/** Failure events with occurred_at in [from, to), counted per category, subtype and provider. */
export async function countFailures(db: Database, from: Date, to: Date): Promise<FailureCount[]> {
  const { rows } = await db.pool.query<{ category: string; subtype: string; provider: string; count: string }>(
    `SELECT category, subtype, provider, count(*) AS count FROM failure_events
      WHERE occurred_at >= $1 AND occurred_at < $2 GROUP BY category, subtype, provider`,
    [from, to],
  );
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}
