-- Impact and SLOs. failure_impacts (0002) gains what ranking and the API read: one row per subject
-- (failure, incident or cluster) keeping its highest revision, its impact_score, and the whole
-- assessment in `details` (agent/core/model/impact.ts). The slo processor's state lands in two new
-- tables: the latest evaluation of each SLO per agent, and per-minute counts per agent, from which
-- an agent restarting in the middle of an SLO window resumes it (and a fleet view sums agents).

ALTER TABLE failure_impacts
  ADD COLUMN revision       bigint NOT NULL DEFAULT 1,
  ADD COLUMN state          text NOT NULL DEFAULT 'closed' CHECK (state IN ('open', 'closed')),
  ADD COLUMN category       text CHECK (category IN ('security', 'provider', 'cost', 'quality', 'data')),
  ADD COLUMN subtype        text,
  ADD COLUMN severity       text CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
  ADD COLUMN provider       text,
  ADD COLUMN model          text,
  ADD COLUMN first_seen_at  timestamptz,
  ADD COLUMN last_seen_at   timestamptz,
  ADD COLUMN impact_score   double precision NOT NULL DEFAULT 0 CHECK (impact_score >= 0),
  -- The score in thousandths, exact: the ranked list pages on (score_milli, impact_id).
  ADD COLUMN score_milli    bigint GENERATED ALWAYS AS (round(impact_score * 1000)::bigint) STORED,
  ADD COLUMN agent_instance text,
  ADD COLUMN updated_at     timestamptz NOT NULL DEFAULT now();

CREATE UNIQUE INDEX failure_impacts_subject_key ON failure_impacts (subject_type, subject_id);
-- GET /api/v1/impacts: incidents and clusters, highest score first, those seen since a time.
CREATE INDEX failure_impacts_rank_idx ON failure_impacts (score_milli DESC, impact_id DESC) WHERE subject_type <> 'failure';
CREATE INDEX failure_impacts_last_seen_idx ON failure_impacts (last_seen_at DESC) WHERE subject_type <> 'failure';
-- An agent restarting restores the impact of incidents and clusters still open.
CREATE INDEX failure_impacts_open_idx ON failure_impacts (subject_type) WHERE state = 'open';

-- The latest evaluation of each SLO, per agent that evaluates it (the whole SloStatus in `status`).
CREATE TABLE slo_status (
  slo              text NOT NULL,
  agent_instance   text NOT NULL,
  service          text NOT NULL,
  sli              text NOT NULL,
  category         text NOT NULL CHECK (category IN ('security', 'provider', 'cost', 'quality', 'data')),
  objective        double precision NOT NULL CHECK (objective > 0 AND objective < 1),
  window_days      integer NOT NULL CHECK (window_days > 0),
  evaluated_at     timestamptz NOT NULL,
  budget_remaining double precision NOT NULL,
  status           jsonb NOT NULL,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (slo, agent_instance)
);

-- Per-minute counts of each SLO as one agent saw them (USD for a cost SLO's total and bad).
CREATE TABLE slo_buckets (
  slo            text NOT NULL,
  agent_instance text NOT NULL,
  bucket_start   timestamptz NOT NULL,
  total          double precision NOT NULL CHECK (total >= 0),
  bad            double precision NOT NULL CHECK (bad >= 0),
  bad_requests   double precision NOT NULL CHECK (bad_requests >= 0),
  answers        double precision NOT NULL CHECK (answers >= 0),
  spend_usd      double precision NOT NULL CHECK (spend_usd >= 0),
  PRIMARY KEY (slo, agent_instance, bucket_start)
);
