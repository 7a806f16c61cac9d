-- SLOs evaluated once for the fleet: the lease holder sums every agent's minute counts. Each
-- slo_buckets row carries the id of the transaction that last wrote it (tx_id, set again on every
-- upsert), so the leader reads only the rows changed since its last read, below the horizon of
-- running transactions (as it reads failure_events; agent/store/slo-queries.ts).
ALTER TABLE slo_buckets ADD COLUMN tx_id xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX slo_buckets_tx_idx ON slo_buckets (tx_id);
