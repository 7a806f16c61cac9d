-- The failure store: every table the pipeline writes, designed once for several agents sharing one
-- database. Keys are natural or deterministic ids computed by the agents (failure_id, incident_id,
-- notification_id, ...), never per-agent sequences, so writes are idempotent upserts and
-- at-least-once delivery never double counts. Later issues fill the baseline, correlation,
-- prediction and impact tables; their shape is fixed here.

-- One row per FailureEvent (agent/model/failure-event.ts). Common fields are columns for filtering;
-- category fields (http_status, confidence, tokens/cost, threat type, drift score, ...) are in
-- `details`. Evidence is already redacted by the detectors: no raw secret or PII reaches this table.
CREATE TABLE failure_events (
  failure_id       text PRIMARY KEY CHECK (failure_id ~ '^[0-9a-f]{32}$'),
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
  -- Which agent wrote it and when; not part of the event.
  agent_instance   text,
  recorded_at      timestamptz NOT NULL DEFAULT now()
);

-- Cursor pagination walks (occurred_at DESC, failure_id DESC); the filtered lookups use the same order.
CREATE INDEX failure_events_time_idx ON failure_events (occurred_at DESC, failure_id DESC);
CREATE INDEX failure_events_category_idx ON failure_events (category, subtype, occurred_at DESC);
CREATE INDEX failure_events_provider_idx ON failure_events (provider, model, occurred_at DESC);
CREATE INDEX failure_events_severity_idx ON failure_events (severity, occurred_at DESC);
CREATE INDEX failure_events_team_idx ON failure_events (team, occurred_at DESC) WHERE team IS NOT NULL;
CREATE INDEX failure_events_trace_idx ON failure_events (trace_id) WHERE trace_id IS NOT NULL;

-- Records an exporter could not write for a permanent reason (constraint, bad data): kept with the
-- reason instead of dropped. `record` is the record as the exporter held it.
CREATE TABLE dead_letters (
  dead_letter_id   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source           text NOT NULL,          -- exporter id, e.g. postgres
  record_type      text NOT NULL,          -- failure_event, incident, notification, ...
  record_key       text,                   -- failure_id or other natural key, when known
  record           jsonb NOT NULL,
  reason           text NOT NULL,
  error_code       text,                   -- PostgreSQL SQLSTATE or our FL_ code
  agent_instance   text,
  failed_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX dead_letters_failed_at_idx ON dead_letters (failed_at DESC);

-- Incidents: events grouped by fingerprint (category + subtype + provider + model scope by default).
-- At most one incident per fingerprint is open at a time; a resolved one is kept with its history.
CREATE TABLE incidents (
  incident_id        text PRIMARY KEY,
  fingerprint        text NOT NULL,
  state              text NOT NULL CHECK (state IN ('open', 'resolved')),
  category           text NOT NULL CHECK (category IN ('security', 'provider', 'cost', 'quality', 'data')),
  subtype            text NOT NULL,
  severity           text NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
  initial_severity   text NOT NULL CHECK (initial_severity IN ('P1', 'P2', 'P3', 'P4')),
  provider           text NOT NULL,
  model              text,
  scope              jsonb NOT NULL DEFAULT '{}',   -- the fingerprint's fields and values
  title              text NOT NULL,
  runbook_url        text,
  event_count        bigint NOT NULL DEFAULT 0,
  affected_requests  bigint NOT NULL DEFAULT 0,
  affected_users     bigint NOT NULL DEFAULT 0,
  affected_teams     bigint NOT NULL DEFAULT 0,
  evidence_sample    jsonb NOT NULL DEFAULT '[]',   -- a few representative (redacted) evidence objects
  first_seen_at      timestamptz NOT NULL,
  last_seen_at       timestamptz NOT NULL,
  opened_at          timestamptz NOT NULL,
  escalated_at       timestamptz,
  resolved_at        timestamptz,
  -- Bumped on every write, so concurrent writers can detect a lost update.
  revision           bigint NOT NULL DEFAULT 1,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX incidents_one_open_per_fingerprint ON incidents (fingerprint) WHERE state = 'open';
CREATE INDEX incidents_state_idx ON incidents (state, last_seen_at DESC);
CREATE INDEX incidents_opened_idx ON incidents (opened_at DESC, incident_id DESC);
CREATE INDEX incidents_category_idx ON incidents (category, severity, opened_at DESC);

-- Which events belong to which incident (no foreign key to failure_events: the two are written by
-- different exporters and may land in either order).
CREATE TABLE incident_events (
  incident_id  text NOT NULL REFERENCES incidents (incident_id) ON DELETE CASCADE,
  failure_id   text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  PRIMARY KEY (incident_id, failure_id)
);

CREATE INDEX incident_events_failure_idx ON incident_events (failure_id);

-- The lifecycle history: opened, updated, escalated, resolved (and reopened, when a configuration allows it).
CREATE TABLE incident_transitions (
  transition_id  text PRIMARY KEY,          -- deterministic: incident id + kind + event time
  incident_id    text NOT NULL REFERENCES incidents (incident_id) ON DELETE CASCADE,
  kind           text NOT NULL CHECK (kind IN ('opened', 'updated', 'escalated', 'resolved', 'reopened')),
  severity       text NOT NULL CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
  at             timestamptz NOT NULL,
  detail         jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX incident_transitions_incident_idx ON incident_transitions (incident_id, at);

-- Every notification sent (or being sent) to an alert receiver, so a restart neither re-pages nor
-- forgets a resolve.
CREATE TABLE notification_log (
  notification_id  text PRIMARY KEY,        -- deterministic: incident id + receiver + transition
  incident_id      text NOT NULL,
  receiver         text NOT NULL,           -- exporter id, e.g. pagerduty/oncall
  action           text NOT NULL CHECK (action IN ('trigger', 'update', 'resolve')),
  status           text NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);

CREATE INDEX notification_log_incident_idx ON notification_log (incident_id, created_at);

-- Latency, error-rate and token baselines per provider (and model; '' = all models), one row per
-- metric per measurement, so history stays queryable.
CREATE TABLE provider_baselines (
  provider      text NOT NULL,
  model         text NOT NULL DEFAULT '',
  metric_name   text NOT NULL,              -- e.g. latency_seconds, error_rate, output_tokens
  measured_at   timestamptz NOT NULL,
  window_seconds integer NOT NULL,
  p50           double precision,
  p95           double precision,
  p99           double precision,
  mean          double precision,
  stddev        double precision,
  sample_count  bigint NOT NULL DEFAULT 0,
  agent_instance text,
  PRIMARY KEY (provider, model, metric_name, measured_at)
);

CREATE INDEX provider_baselines_latest_idx ON provider_baselines (metric_name, provider, model, measured_at DESC);

-- Correlation: clusters of related failures across categories/providers, with the edges that link
-- member events (same trace, same key, time proximity, causal rule).
CREATE TABLE correlation_clusters (
  cluster_id     text PRIMARY KEY,
  state          text NOT NULL CHECK (state IN ('active', 'closed')),
  root_cause     jsonb NOT NULL DEFAULT '{}', -- hypothesis: category/subtype/provider with a score
  categories     text[] NOT NULL DEFAULT '{}',
  providers      text[] NOT NULL DEFAULT '{}',
  event_count    bigint NOT NULL DEFAULT 0,
  score          double precision,
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  closed_at      timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX correlation_clusters_state_idx ON correlation_clusters (state, last_seen_at DESC);

CREATE TABLE correlation_edges (
  cluster_id          text NOT NULL REFERENCES correlation_clusters (cluster_id) ON DELETE CASCADE,
  source_failure_id   text NOT NULL,
  target_failure_id   text NOT NULL,
  relation            text NOT NULL,        -- same_trace, same_key, temporal, causal_rule, ...
  weight              double precision NOT NULL DEFAULT 1,
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cluster_id, source_failure_id, target_failure_id, relation)
);

CREATE INDEX correlation_edges_source_idx ON correlation_edges (source_failure_id);
CREATE INDEX correlation_edges_target_idx ON correlation_edges (target_failure_id);

-- Predictions of failures before they happen (e.g. rate-limit exhaustion, latency crossing its SLA),
-- later marked confirmed or missed against what occurred.
CREATE TABLE failure_predictions (
  prediction_id        text PRIMARY KEY,
  predicted_at         timestamptz NOT NULL,
  category             text NOT NULL CHECK (category IN ('security', 'provider', 'cost', 'quality', 'data')),
  subtype              text NOT NULL,
  provider             text NOT NULL,
  model                text,
  horizon_seconds      integer NOT NULL,
  probability          double precision NOT NULL CHECK (probability >= 0 AND probability <= 1),
  expected_at          timestamptz,
  features             jsonb NOT NULL DEFAULT '{}',
  status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'missed', 'cancelled')),
  outcome_failure_id   text,
  resolved_at          timestamptz
);

CREATE INDEX failure_predictions_time_idx ON failure_predictions (predicted_at DESC);
CREATE INDEX failure_predictions_pending_idx ON failure_predictions (provider, subtype) WHERE status = 'pending';

-- Business impact of a failure or an incident: who and what it touched, and what it cost.
CREATE TABLE failure_impacts (
  impact_id          text PRIMARY KEY,
  subject_type       text NOT NULL CHECK (subject_type IN ('failure', 'incident', 'cluster')),
  subject_id         text NOT NULL,
  assessed_at        timestamptz NOT NULL,
  affected_requests  bigint NOT NULL DEFAULT 0,
  affected_users     bigint NOT NULL DEFAULT 0,
  affected_teams     bigint NOT NULL DEFAULT 0,
  cost_usd           double precision,
  wasted_cost_usd    double precision,
  sla_breached       boolean,
  details            jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX failure_impacts_subject_idx ON failure_impacts (subject_type, subject_id, assessed_at DESC);
