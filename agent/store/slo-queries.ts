// Reads of the SLO tables: the minute counts an slo processor restores at start, and the latest
// evaluation of each SLO the REST API serves. Every query is parameterized.
import { SloStatus, type SloBucket } from '../core/model/slo.ts';
import type { Database } from './database.ts';

/** A slo_buckets row's minute counts. */
interface CountsRow {
  bucket_start: Date;
  total: number;
  bad: number;
  bad_requests: number;
  answers: number;
  spend_usd: number;
}

const COUNT_COLUMNS = 'bucket_start, total, bad, bad_requests, answers, spend_usd';

const toBucket = (r: CountsRow): SloBucket => ({
  start: r.bucket_start.toISOString(),
  total: r.total,
  bad: r.bad,
  bad_requests: r.bad_requests,
  answers: r.answers,
  spend_usd: r.spend_usd,
});

/** One agent's minute counts of one SLO since a time, oldest first. */
export async function selectSloBuckets(db: Database, slo: string, agentInstance: string, since: string): Promise<SloBucket[]> {
  const { rows } = await db.pool.query<CountsRow>(
    `SELECT ${COUNT_COLUMNS} FROM slo_buckets WHERE slo = $1 AND agent_instance = $2 AND bucket_start >= $3 ORDER BY bucket_start`,
    [slo, agentInstance, since],
  );
  return rows.map(toBucket);
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

/** One agent's whole count of one SLO minute, as the fleet leader reads it. */
export interface AgentSloBucket extends SloBucket {
  slo: string;
  agent_instance: string;
}

interface BucketRow extends CountsRow {
  slo: string;
  agent_instance: string;
}

const toAgentBucket = (r: BucketRow): AgentSloBucket => ({ slo: r.slo, agent_instance: r.agent_instance, ...toBucket(r) });

const BUCKET_COLUMNS = `slo, agent_instance, ${COUNT_COLUMNS}`;

/**
 * The transaction horizon: every transaction below it has ended, so rows written below it are
 * all visible. The fleet leader reads changes up to it and starts the next read there.
 */
export async function sloHorizon(db: Database): Promise<string> {
  const { rows } = await db.pool.query<{ horizon: string }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon');
  return rows[0].horizon;
}

/** Every other agent's minute counts of the given SLOs since a time (the leader's first read). */
export async function selectOtherAgentsSloBuckets(
  db: Database,
  slos: string[],
  exceptInstance: string,
  since: string,
): Promise<AgentSloBucket[]> {
  const { rows } = await db.pool.query<BucketRow>(
    `SELECT ${BUCKET_COLUMNS} FROM slo_buckets WHERE slo = ANY($1) AND agent_instance <> $2 AND bucket_start >= $3 ORDER BY bucket_start`,
    [slos, exceptInstance, since],
  );
  return rows.map(toAgentBucket);
}

/**
 * Every other agent's minute counts written from transaction `fromTx` on and below the horizon,
 * with the horizon the next read starts from. A row may come again (it is a whole count: reading
 * it twice changes nothing).
 */
export async function selectChangedSloBuckets(
  db: Database,
  slos: string[],
  exceptInstance: string,
  fromTx: string,
): Promise<{ buckets: AgentSloBucket[]; next: string }> {
  const { rows } = await db.pool.query<BucketRow & { horizon: string }>(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon)
     SELECT ${BUCKET_COLUMNS}, h.horizon::text AS horizon FROM h
       LEFT JOIN slo_buckets b ON b.tx_id >= $3::xid8 AND b.tx_id < h.horizon AND b.slo = ANY($1) AND b.agent_instance <> $2
      ORDER BY b.tx_id, b.bucket_start`,
    [slos, exceptInstance, fromTx],
  );
  return { buckets: rows.filter((r) => r.slo !== null).map(toAgentBucket), next: rows[0].horizon };
}
