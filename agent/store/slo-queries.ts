// Reads of the SLO tables: the minute counts an slo processor restores at start, and the latest
// evaluation of each SLO the REST API serves. Every query is parameterized.
import { SloStatus, type SloBucket } from '../core/model/slo.ts';
import type { Database } from './database.ts';

/** One agent's minute counts of one SLO since a time, oldest first. */
export async function selectSloBuckets(db: Database, slo: string, agentInstance: string, since: string): Promise<SloBucket[]> {
  const { rows } = await db.pool.query<{
    bucket_start: Date;
    total: number;
    bad: number;
    bad_requests: number;
    answers: number;
    spend_usd: number;
  }>(
    'SELECT bucket_start, total, bad, bad_requests, answers, spend_usd FROM slo_buckets ' +
      'WHERE slo = $1 AND agent_instance = $2 AND bucket_start >= $3 ORDER BY bucket_start',
    [slo, agentInstance, since],
  );
  return rows.map((r) => ({
    start: r.bucket_start.toISOString(),
    total: r.total,
    bad: r.bad,
    bad_requests: r.bad_requests,
    answers: r.answers,
    spend_usd: r.spend_usd,
  }));
}

export interface SloRow {
  slo: string;
  service: string;
  sli: string;
  category: string;
  objective: number;
  window_days: number;
  agent_instance: string;
  status: SloStatus;
}

/** The latest evaluation of every SLO (of the agent that evaluated it last), by name. */
export async function listSloStatus(db: Database): Promise<SloRow[]> {
  const { rows } = await db.pool.query<Omit<SloRow, 'status'> & { status: unknown }>(
    'SELECT DISTINCT ON (slo) slo, service, sli, category, objective, window_days, agent_instance, status FROM slo_status ' +
      'ORDER BY slo, evaluated_at DESC, agent_instance',
  );
  return rows.map((r) => ({ ...r, status: SloStatus.parse(r.status) }));
}
