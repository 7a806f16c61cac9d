-- Predictions as the predictor scores them: one row per prediction, updated as it is scored.
-- `probability` holds the highest risk score reached, `features` the indicator figures, `subtype`
-- the predicted provider failure type. Status: pending until the failure comes within the horizon
-- (confirmed, with its lead) or the horizon passes without it (expired, a false alarm); a failure of
-- a predicted type that came with no prediction is a row of its own, status missed. Precision is
-- confirmed / (confirmed + expired), recall confirmed / (confirmed + missed).
ALTER TABLE failure_predictions DROP CONSTRAINT failure_predictions_status_check;
ALTER TABLE failure_predictions
  ADD CONSTRAINT failure_predictions_status_check CHECK (status IN ('pending', 'confirmed', 'expired', 'missed', 'cancelled')),
  ADD COLUMN deployment text,
  ADD COLUMN active boolean NOT NULL DEFAULT false,
  ADD COLUMN recommended_action text NOT NULL DEFAULT 'watch',
  ADD COLUMN lead_seconds double precision,
  ADD COLUMN updated_at timestamptz;

UPDATE failure_predictions SET updated_at = predicted_at WHERE updated_at IS NULL;
ALTER TABLE failure_predictions ALTER COLUMN updated_at SET NOT NULL;

CREATE INDEX failure_predictions_status_idx ON failure_predictions (status, subtype, predicted_at DESC);

-- What the actions exporter did (or, dry-run, would have done) on a prediction: a routing weight
-- lowered and restored, or a recommendation where it cannot act (config-file models).
CREATE TABLE prediction_actions (
  action_id      text PRIMARY KEY,
  prediction_id  text NOT NULL,
  at             timestamptz NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('lower_weight', 'restore_weight', 'recommend')),
  provider       text NOT NULL,
  model          text,
  deployment     text,
  outcome        text NOT NULL CHECK (outcome IN ('dry_run', 'applied', 'recommend_only', 'failed')),
  from_weight    double precision,
  to_weight      double precision,
  reason         text NOT NULL
);

CREATE INDEX prediction_actions_prediction_idx ON prediction_actions (prediction_id);
