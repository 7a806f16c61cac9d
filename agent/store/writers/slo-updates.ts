// The `slos` lane: the latest evaluation of each SLO per agent (newest evaluation wins), and its
// minute counts (each update carries a minute's whole count as that agent holds it, so the latest
// write is right). Minutes older than the SLO window (and a day) are deleted as evaluations land.
import type { SloUpdate } from '../../core/model/slo.ts';
import { insertRows } from './insert-rows.ts';
import type { LaneWriter } from './lane-writer.ts';

const DAY_MS = 86_400_000;

export const sloUpdatesWriter: LaneWriter<SloUpdate> = {
  recordType: 'slo_update',
  async write(client, updates, { maxRowsPerStatement }) {
    const statuses = new Map<string, SloUpdate>();
    const buckets = new Map<string, unknown[]>();
    for (const u of updates) {
      if (u.status) {
        const key = `${u.slo}\u0000${u.agent_instance}`;
        const seen = statuses.get(key);
        if (!seen || Date.parse(seen.at) <= Date.parse(u.at)) statuses.set(key, u);
      }
      // Later updates carry later (larger) counts of the same minute: the last one in the batch wins.
      for (const b of u.buckets)
        buckets.set(`${u.slo}\u0000${u.agent_instance}\u0000${b.start}`, [
          u.slo,
          u.agent_instance,
          b.start,
          b.total,
          b.bad,
          b.bad_requests,
          b.answers,
          b.spend_usd,
        ]);
    }
    await insertRows(
      client,
      'slo_buckets',
      ['slo', 'agent_instance', 'bucket_start', 'total', 'bad', 'bad_requests', 'answers', 'spend_usd'],
      [...buckets.values()],
      // tx_id marks the row changed for the fleet leader's next read (migrations/0008_slo_fleet_buckets.sql).
      'ON CONFLICT (slo, agent_instance, bucket_start) DO UPDATE SET total = EXCLUDED.total, bad = EXCLUDED.bad, ' +
        'bad_requests = EXCLUDED.bad_requests, answers = EXCLUDED.answers, spend_usd = EXCLUDED.spend_usd, tx_id = pg_current_xact_id()',
      maxRowsPerStatement,
    );
    await insertRows(
      client,
      'slo_status',
      ['slo', 'agent_instance', 'service', 'sli', 'category', 'objective', 'window_days', 'evaluated_at', 'budget_remaining', 'status'],
      [...statuses.values()].map((u) => [
        u.slo,
        u.agent_instance,
        u.service,
        u.sli,
        u.category,
        u.objective,
        u.window_days,
        u.at,
        u.status!.budget_remaining,
        JSON.stringify(u.status),
      ]),
      'ON CONFLICT (slo, agent_instance) DO UPDATE SET service = EXCLUDED.service, sli = EXCLUDED.sli, category = EXCLUDED.category, ' +
        'objective = EXCLUDED.objective, window_days = EXCLUDED.window_days, evaluated_at = EXCLUDED.evaluated_at, ' +
        'budget_remaining = EXCLUDED.budget_remaining, status = EXCLUDED.status, updated_at = now() ' +
        'WHERE slo_status.evaluated_at <= EXCLUDED.evaluated_at',
      maxRowsPerStatement,
    );
    for (const u of statuses.values()) {
      const before = new Date(Date.parse(u.at) - u.window_days * DAY_MS - DAY_MS).toISOString();
      await client.query('DELETE FROM slo_buckets WHERE slo = $1 AND agent_instance = $2 AND bucket_start < $3', [
        u.slo,
        u.agent_instance,
        before,
      ]);
    }
  },
};
