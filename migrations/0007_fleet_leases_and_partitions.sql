-- A fleet of agents on one database: the lease that elects the agent doing fleet-wide work, the
-- cursor that work keeps over every agent's events, and daily partitions so retention drops whole
-- days instead of deleting rows. See docs/fleet.md.

-- One row per lease. Taken and renewed by a single autocommit UPDATE … RETURNING epoch
-- (agent/store/lease.ts), which works through PgBouncer in transaction mode; the epoch rises each
-- time the lease changes hands (or is taken again after it expired), and fleet-wide writes check it.
CREATE TABLE leases (
  name         text PRIMARY KEY,
  holder       text NOT NULL DEFAULT '',             -- '' = nobody
  epoch        bigint NOT NULL DEFAULT 0,
  expires_at   timestamptz NOT NULL DEFAULT '-infinity',
  acquired_at  timestamptz,
  renewed_at   timestamptz
);

INSERT INTO leases (name) VALUES ('fleet');

-- Where fleet-wide work has read up to in failure_events, as (tx_id, failure_id): it is advanced in
-- the same fenced transaction as the work's own writes, so a new leader resumes exactly there.
CREATE TABLE fleet_cursors (
  name        text PRIMARY KEY,
  tx_id       xid8 NOT NULL,
  failure_id  text NOT NULL,
  epoch       bigint NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Creates the day partition of `parent` holding `day` (UTC) unless it exists, moving the rows its
-- default partition holds for that day into it first. The table is built standalone and attached,
-- which takes a weaker lock on the parent than CREATE TABLE … PARTITION OF, so writers keep going.
CREATE FUNCTION faultline_day_partition(parent text, day date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  part text := parent || '_p' || to_char(day, 'YYYYMMDD');
  lo timestamptz := day::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
  key text := substring(pg_get_partkeydef(parent::regclass) FROM '\((\w+)\)');
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN part;
  END IF;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
                 parent || '_default', key, key, part) USING lo, hi;
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
  RETURN part;
END $$;

-- failure_events, partitioned by day of occurred_at. The primary key carries the partition key
-- (PostgreSQL requires it); occurred_at is part of the event, so a re-delivered event still
-- conflicts with itself. tx_id is the writing transaction, for the fleet cursor above.
ALTER TABLE failure_events RENAME TO failure_events_unpartitioned;
ALTER INDEX failure_events_pkey RENAME TO failure_events_unpartitioned_pkey;
DROP INDEX failure_events_time_idx, failure_events_category_idx, failure_events_provider_idx,
  failure_events_severity_idx, failure_events_team_idx, failure_events_trace_idx;

CREATE TABLE failure_events (
  failure_id       text NOT NULL CHECK (failure_id ~ '^[0-9a-f]{32}$'),
  schema_version   smallint NOT NULL,
  occurred_at      timestamptz NOT NULL,
  category         text NOT NULL CHECK (category IN ('security', 'provider', 'cost', 'quality', 'data')),
  subtype          text NOT NULL,
  severity         text NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
  provider         text NOT NULL,
  model            text,
  team             text,
  route            text,
  detection_method text NOT NULL,
  trace_id         text,
  span_id          text,
  member_spans     jsonb NOT NULL DEFAULT '[]',
  secondary        jsonb NOT NULL DEFAULT '[]',
  impact_scope     jsonb NOT NULL,
  evidence         jsonb NOT NULL DEFAULT '{}',
  details          jsonb NOT NULL DEFAULT '{}',
  agent_instance   text,
  recorded_at      timestamptz NOT NULL DEFAULT now(),
  tx_id            xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (failure_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE failure_events_default PARTITION OF failure_events DEFAULT;

CREATE INDEX failure_events_time_idx ON failure_events (occurred_at DESC, failure_id DESC);
CREATE INDEX failure_events_category_idx ON failure_events (category, subtype, occurred_at DESC);
CREATE INDEX failure_events_provider_idx ON failure_events (provider, model, occurred_at DESC);
CREATE INDEX failure_events_severity_idx ON failure_events (severity, occurred_at DESC);
CREATE INDEX failure_events_team_idx ON failure_events (team, occurred_at DESC) WHERE team IS NOT NULL;
CREATE INDEX failure_events_trace_idx ON failure_events (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX failure_events_tx_idx ON failure_events (tx_id, failure_id);

-- Rows from before this migration carry tx_id 0: the fleet cursor starts after them (below), so
-- an upgrade does not page again for history.
INSERT INTO failure_events
  SELECT failure_id, schema_version, occurred_at, category, subtype, severity, provider, model, team, route,
         detection_method, trace_id, span_id, member_spans, secondary, impact_scope, evidence, details,
         agent_instance, recorded_at, '0'::xid8
  FROM failure_events_unpartitioned;
DROP TABLE failure_events_unpartitioned;

INSERT INTO fleet_cursors (name, tx_id, failure_id, epoch) VALUES ('incidents', pg_current_xact_id(), '', 0);

-- Incident history: members by the member event's time, transitions by theirs.
ALTER TABLE incident_events RENAME TO incident_events_unpartitioned;
ALTER INDEX incident_events_pkey RENAME TO incident_events_unpartitioned_pkey;
DROP INDEX incident_events_failure_idx;
CREATE TABLE incident_events (
  incident_id  text NOT NULL REFERENCES incidents (incident_id) ON DELETE CASCADE,
  failure_id   text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  PRIMARY KEY (incident_id, failure_id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE incident_events_default PARTITION OF incident_events DEFAULT;
CREATE INDEX incident_events_failure_idx ON incident_events (failure_id);
INSERT INTO incident_events SELECT incident_id, failure_id, occurred_at FROM incident_events_unpartitioned;
DROP TABLE incident_events_unpartitioned;

ALTER TABLE incident_transitions RENAME TO incident_transitions_unpartitioned;
ALTER INDEX incident_transitions_pkey RENAME TO incident_transitions_unpartitioned_pkey;
DROP INDEX incident_transitions_incident_idx;
CREATE TABLE incident_transitions (
  transition_id  text NOT NULL,
  incident_id    text NOT NULL REFERENCES incidents (incident_id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('opened', 'updated', 'escalated', 'resolved', 'reopened')),
  severity       text NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
  at             timestamptz NOT NULL,
  detail         jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (transition_id, at)
) PARTITION BY RANGE (at);
CREATE TABLE incident_transitions_default PARTITION OF incident_transitions DEFAULT;
CREATE INDEX incident_transitions_incident_idx ON incident_transitions (incident_id, at);
INSERT INTO incident_transitions SELECT transition_id, incident_id, kind, severity, at, detail FROM incident_transitions_unpartitioned;
DROP TABLE incident_transitions_unpartitioned;

-- Day partitions for the rows just copied and for today and the next two days; the leader keeps
-- creating them ahead (agent/store/retention.ts).
DO $$
DECLARE d date;
BEGIN
  FOR d IN
    SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date FROM failure_events
    UNION SELECT DISTINCT (occurred_at AT TIME ZONE 'UTC')::date FROM incident_events
    UNION SELECT DISTINCT (at AT TIME ZONE 'UTC')::date FROM incident_transitions
    UNION SELECT generate_series(0, 2) + (now() AT TIME ZONE 'UTC')::date
  LOOP
    PERFORM faultline_day_partition('failure_events', d);
    PERFORM faultline_day_partition('incident_events', d);
    PERFORM faultline_day_partition('incident_transitions', d);
  END LOOP;
END $$;

-- Dead letters and the notification log stay plain tables: their ids are content-derived keys
-- without a time (a partition key would have to join the key and break their deduplication), they
-- are small, and retention deletes their old rows by these indexes.
CREATE INDEX notification_log_created_idx ON notification_log (created_at);
CREATE INDEX incidents_resolved_idx ON incidents (resolved_at) WHERE state = 'resolved';
