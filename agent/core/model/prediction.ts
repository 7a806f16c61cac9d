// What the predictor puts on its lanes. A PredictedFailure says that a provider failure of a given
// subtype is expected on a deployment before it happens, from leading indicators; the same
// prediction_id is sent again as it is scored (confirmed by the failure within its horizon, or
// expired without one). A failure of a predicted type that arrived with no prediction before it
// is recorded as `missed`, so precision and recall come from the same rows. A CircuitTransition is
// the breaker state of a deployment as observed from its traffic.
import { z } from 'zod';

export const PREDICTED_FAILURE_TYPES = ['rate_limited', 'latency_degradation', 'outage'] as const;
export const PredictedFailureType = z.enum(PREDICTED_FAILURE_TYPES);
export type PredictedFailureType = z.infer<typeof PredictedFailureType>;

// cancelled: made while the failure was already under way (its span arrived after the prediction),
// so it showed no foresight; counted neither as a hit nor as a false alarm.
export const PREDICTION_STATES = ['pending', 'confirmed', 'expired', 'missed', 'cancelled'] as const;
export const PredictionState = z.enum(PREDICTION_STATES);
export type PredictionState = z.infer<typeof PredictionState>;

export const RecommendedAction = z.enum(['shift_traffic', 'reduce_rate', 'watch']);
export type RecommendedAction = z.infer<typeof RecommendedAction>;

const time = z.iso.datetime({ offset: true });

export const PredictedFailure = z.strictObject({
  prediction_id: z.string().describe('Deterministic: key, failure type and the instant the risk was first seen.'),
  provider: z.string(),
  model: z.string().nullable(),
  deployment: z.string().nullable().describe("LiteLLM's model_id of the deployment, when the spans carry it."),
  failure_type: PredictedFailureType.describe('The provider subtype expected.'),
  score: z.number().min(0).max(1).describe('Highest risk score reached (0..1); 0 for a missed failure.'),
  active: z.boolean().describe('Whether the indicators still show the risk at updated_at (false: the risk has passed).'),
  predicted_at: time.describe('Event time the prediction was made (for a missed failure: when the failure began).'),
  expected_at: time.nullable().describe('When the failure is expected; null for a missed failure.'),
  horizon_secs: z.number().int().nonnegative().describe('The failure must come within this long after predicted_at to confirm it.'),
  indicators: z.record(z.string(), z.number().nullable()).describe('The indicator figures behind the score.'),
  recommended_action: RecommendedAction,
  status: PredictionState,
  outcome_failure_id: z.string().nullable().describe('The failure event that confirmed it (or that was missed).'),
  lead_secs: z.number().nullable().describe('Confirmed: seconds from predicted_at to the failure.'),
  resolved_at: time.nullable(),
  updated_at: time.describe('Event time of this version of the prediction.'),
});
export type PredictedFailure = z.infer<typeof PredictedFailure>;

export const CircuitState = z.enum(['closed', 'open', 'half_open']);
export type CircuitState = z.infer<typeof CircuitState>;

export const CircuitTransition = z.strictObject({
  transition_id: z.string().describe('Deterministic: deployment key, new state and instant.'),
  provider: z.string(),
  model: z.string().nullable(),
  deployment: z.string().nullable(),
  from: CircuitState,
  to: CircuitState,
  at: time.describe('Event time of the call that changed the state.'),
  reason: z.string().describe('What changed it: consecutive failures, a cooldown error, a first success, …'),
});
export type CircuitTransition = z.infer<typeof CircuitTransition>;
