-- Agents that have started against this database: one row per agent process, written at startup
-- and refreshed while it runs, so operators (and cluster-wide processors) can see who is alive.
CREATE TABLE agent_instances (
  instance_id  text PRIMARY KEY,
  hostname     text NOT NULL,
  version      text NOT NULL,
  config_hash  text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX agent_instances_last_seen_at_idx ON agent_instances (last_seen_at);
