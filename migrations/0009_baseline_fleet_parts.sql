-- Baselines learned once for the fleet. In a fleet each agent stores the profile it learned from
-- its own calls here (its part), one row per key and agent; the lease holder merges the parts of a
-- key into its baseline_profiles row, which every agent judges against and the API serves. The
-- parts of agents that have stopped are merged into the key's retired part (agent_instance '') and
-- deleted, so their learning stays counted once. tx_id (set on every upsert) lets the leader read
-- only the keys changed since its last merge, below the horizon of running transactions.
CREATE TABLE baseline_profile_parts (
  provider        text NOT NULL,
  model           text NOT NULL DEFAULT '',
  route           text NOT NULL DEFAULT '',
  team            text NOT NULL DEFAULT '',
  agent_instance  text NOT NULL,                -- '': the retired part
  model_class     text NOT NULL DEFAULT 'other',
  samples         bigint NOT NULL DEFAULT 0,
  current         jsonb NOT NULL DEFAULT '{}',  -- the agent's window at the time of the snapshot
  state           bytea NOT NULL,               -- the profile (as baseline_profiles.state)
  updated_at      timestamptz NOT NULL,         -- event time of the snapshot
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  tx_id           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (provider, model, route, team, agent_instance)
);

CREATE INDEX baseline_profile_parts_tx_idx ON baseline_profile_parts (tx_id);
