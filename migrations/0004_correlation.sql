-- Failure correlation: clusters of linked failures with a ranked root cause, the typed edges between
-- failures, and which cluster each failure belongs to. 0002 fixed a first shape for the cluster and
-- edge tables that nothing ever wrote; they are replaced here by the shape the correlator writes
-- (agent/core/model/correlation.ts). Incidents gain their cluster, their root incident and whether
-- their notifications are inhibited by it.

DROP TABLE correlation_edges;
DROP TABLE correlation_clusters;

-- One row per cluster, the highest revision the correlator emitted (writes keep the highest).
-- members/links/fallbacks are the correlator's working state: an agent restarting in the middle of
-- a cascade restores its active clusters from them and keeps linking where it left off.
CREATE TABLE correlation_clusters (
  cluster_id     text PRIMARY KEY CHECK (cluster_id ~ '^[0-9a-f]{32}$'),
  cluster_type   text NOT NULL CHECK (cluster_type IN ('cascade', 'common_cause', 'campaign', 'temporal')),
  state          text NOT NULL CHECK (state IN ('active', 'closed', 'merged')),
  merged_into    text,
  strength       double precision NOT NULL CHECK (strength >= 0 AND strength <= 1),
  root_cause     jsonb NOT NULL,              -- failure_id, category, subtype, provider, model, team, route, reason
  root_failure_id text NOT NULL,
  root_category  text NOT NULL,
  root_provider  text NOT NULL,
  providers      text[] NOT NULL DEFAULT '{}', -- every provider with a member, for the provider filter
  members        jsonb NOT NULL DEFAULT '[]',
  links          jsonb NOT NULL DEFAULT '[]',
  fallbacks      jsonb NOT NULL DEFAULT '[]',
  event_count    bigint NOT NULL DEFAULT 0,
  edge_count     bigint NOT NULL DEFAULT 0,
  window_ms      integer NOT NULL,
  opened_at      timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL,
  closed_at      timestamptz,
  revision       bigint NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- The list walks (opened_at DESC, cluster_id DESC); restore reads the active ones.
CREATE INDEX correlation_clusters_opened_idx ON correlation_clusters (opened_at DESC, cluster_id DESC);
CREATE INDEX correlation_clusters_active_idx ON correlation_clusters (last_seen_at) WHERE state = 'active';
CREATE INDEX correlation_clusters_type_idx ON correlation_clusters (cluster_type, opened_at DESC);
CREATE INDEX correlation_clusters_providers_idx ON correlation_clusters USING gin (providers);

-- Cause → effect between two failures. No foreign key to failure_events or to the cluster: the
-- exporters write them independently, and a merge moves edges to the surviving cluster.
CREATE TABLE correlation_edges (
  source_failure_id  text NOT NULL,
  target_failure_id  text NOT NULL,
  relation           text NOT NULL CHECK (relation IN ('same_trace', 'causal', 'temporal', 'recurrence')),
  rule               text,
  weight             double precision NOT NULL CHECK (weight >= 0 AND weight <= 1),
  cluster_id         text NOT NULL,
  at                 timestamptz NOT NULL,
  PRIMARY KEY (source_failure_id, target_failure_id, relation)
);

-- The recursive walk of a cluster's graph follows edges both ways from its root.
CREATE INDEX correlation_edges_target_idx ON correlation_edges (target_failure_id);
CREATE INDEX correlation_edges_cluster_idx ON correlation_edges (cluster_id);

-- Which cluster each failure joined (a failure joins one cluster; a merge moves it).
CREATE TABLE correlation_members (
  failure_id   text PRIMARY KEY,
  cluster_id   text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  category     text NOT NULL,
  subtype      text NOT NULL,
  provider     text NOT NULL,
  model        text
);

CREATE INDEX correlation_members_cluster_idx ON correlation_members (cluster_id, occurred_at);

ALTER TABLE incidents
  ADD COLUMN cluster_id text,
  ADD COLUMN caused_by  text,
  ADD COLUMN inhibited  boolean NOT NULL DEFAULT false,
  ADD COLUMN symptoms   jsonb NOT NULL DEFAULT '[]';

CREATE INDEX incidents_cluster_idx ON incidents (cluster_id) WHERE cluster_id IS NOT NULL;
