-- Learned baselines. provider_baselines (0002, never written until now) becomes the hourly history:
-- one row per profile key (provider, model, and route/team when profiles are split by them), metric,
-- clock hour and agent, with the hour's sums and a mergeable latency sketch, so rows of several
-- agents and hours add up exactly (the provider comparison, the weekly report). baseline_profiles
-- holds each key's current profile: the figures the API serves and the state an agent restores.

ALTER TABLE provider_baselines
  ADD COLUMN route         text NOT NULL DEFAULT '',
  ADD COLUMN team          text NOT NULL DEFAULT '',
  ADD COLUMN model_class   text NOT NULL DEFAULT 'other',
  ADD COLUMN hour_of_week  smallint CHECK (hour_of_week BETWEEN 0 AND 167),
  ADD COLUMN total         double precision,        -- sum of the metric over the hour (mean × sample_count)
  ADD COLUMN sketch        bytea,                   -- log-bucket histogram (agent/core/sketch), latency rows
  ADD COLUMN details       jsonb NOT NULL DEFAULT '{}';

UPDATE provider_baselines SET agent_instance = '' WHERE agent_instance IS NULL;
ALTER TABLE provider_baselines ALTER COLUMN agent_instance SET DEFAULT '', ALTER COLUMN agent_instance SET NOT NULL;

-- Each agent writes its own rows for an hour; readers sum over agents.
ALTER TABLE provider_baselines DROP CONSTRAINT provider_baselines_pkey;
ALTER TABLE provider_baselines ADD PRIMARY KEY (provider, model, route, team, metric_name, measured_at, agent_instance);

DROP INDEX provider_baselines_latest_idx;
CREATE INDEX provider_baselines_time_idx ON provider_baselines (measured_at DESC, metric_name);
CREATE INDEX provider_baselines_class_idx ON provider_baselines (model_class, metric_name, measured_at DESC);

CREATE TABLE baseline_profiles (
  provider        text NOT NULL,
  model           text NOT NULL DEFAULT '',
  route           text NOT NULL DEFAULT '',
  team            text NOT NULL DEFAULT '',
  model_class     text NOT NULL DEFAULT 'other',
  slot            smallint NOT NULL CHECK (slot BETWEEN 0 AND 167),  -- hour of the week `baseline` is for
  samples         bigint NOT NULL DEFAULT 0,
  ready           boolean NOT NULL DEFAULT false,
  baseline        jsonb NOT NULL,               -- the figures /api/v1/baselines serves
  current         jsonb NOT NULL DEFAULT '{}',  -- the window at the time of the snapshot
  deviation       jsonb NOT NULL DEFAULT '{}',  -- current / baseline per metric
  open_episodes   jsonb NOT NULL DEFAULT '{}',
  open_hour       jsonb,                        -- the hour aggregate in progress, resumed after a restart
  state           bytea NOT NULL,               -- the profile itself (opaque, versioned)
  updated_at      timestamptz NOT NULL,         -- event time of the snapshot
  agent_instance  text NOT NULL DEFAULT '',
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, model, route, team)
);

CREATE INDEX baseline_profiles_class_idx ON baseline_profiles (model_class, provider);
