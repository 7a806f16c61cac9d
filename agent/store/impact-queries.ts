// Reads of failure_impacts: the open incidents' and clusters' impact the impact processor restores
// at start, one subject's impact, and the ranked list the REST API serves. Every query is parameterized.
import type { FailureImpact } from '../core/model/impact.ts';
import type { Database } from './database.ts';
import { rowToImpact } from './impact-row.ts';

export async function selectOpenSubjectImpacts(db: Database): Promise<FailureImpact[]> {
  const { rows } = await db.pool.query<{ details: unknown }>(
    "SELECT details FROM failure_impacts WHERE state = 'open' AND subject_type <> 'failure' ORDER BY last_seen_at",
  );
  return rows.map(rowToImpact);
}

/** The latest impact of one subject, or null. */
export async function selectImpact(db: Database, subjectType: string, subjectId: string): Promise<FailureImpact | null> {
  const { rows } = await db.pool.query<{ details: unknown }>(
    'SELECT details FROM failure_impacts WHERE subject_type = $1 AND subject_id = $2',
    [subjectType, subjectId],
  );
  return rows.length === 0 ? null : rowToImpact(rows[0]);
}

export interface RankedImpactFilter {
  subjectType?: 'incident' | 'cluster';
  state?: 'open' | 'closed';
  category?: string;
  /** Subjects last seen at or after this instant. */
  since?: string;
  /** Read only rows ranked after (score in thousandths, impact_id), highest score first. */
  after?: { scoreMilli: string; impactId: string };
  take: number;
}

export interface RankedImpact {
  impact: FailureImpact;
  scoreMilli: string;
}

/** Incidents and clusters, highest impact_score first (ties by impact_id, descending). */
export async function listRankedImpacts(db: Database, f: RankedImpactFilter): Promise<RankedImpact[]> {
  const where = ["subject_type <> 'failure'"];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (f.subjectType) add((p) => `subject_type = ${p}`, f.subjectType);
  if (f.state) add((p) => `state = ${p}`, f.state);
  if (f.category) add((p) => `category = ${p}`, f.category);
  if (f.since) add((p) => `last_seen_at >= ${p}`, f.since);
  if (f.after) {
    params.push(f.after.scoreMilli, f.after.impactId);
    where.push(`(score_milli, impact_id) < ($${params.length - 1}::bigint, $${params.length})`);
  }
  params.push(f.take);
  const { rows } = await db.pool.query<{ details: unknown; score_milli: string }>(
    `SELECT details, score_milli FROM failure_impacts WHERE ${where.join(' AND ')} ORDER BY score_milli DESC, impact_id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({ impact: rowToImpact(r), scoreMilli: String(r.score_milli) }));
}
