import { z } from 'zod';
import { count, factor, milliseconds, ratio } from '../../config/units.ts';

const seconds = (what: string) =>
  z
    .number({ error: `expected a positive number of seconds (${what})` })
    .positive({ error: `expected a positive number of seconds (${what})` });

const RateLimitConfig = z.strictObject({
  ewma_tau_secs: seconds('ewma_tau_secs').default(30).describe('Time constant of the EWMA of the consumption rate (Δused/Δt).'),
  min_interval_ms: milliseconds()
    .default(2_000)
    .describe('Least span time between two header readings that make one rate sample (closer readings wait for a later one).'),
  min_samples: count('samples').default(6).describe('Rate samples a deployment needs before its exhaustion time is trusted.'),
  min_utilization: ratio('min_utilization')
    .default(0.2)
    .describe('Share of the limit in use below which no exhaustion is predicted, however fast it falls.'),
  full_utilization: ratio('full_utilization')
    .default(0.5)
    .describe('Share of the limit in use at which utilization gives full confidence.'),
  horizon_secs: seconds('horizon_secs').default(300).describe('Exhaustion further away than this scores 0.'),
  near_secs: seconds('near_secs').default(60).describe('Exhaustion this close or closer scores its full confidence.'),
  window_secs: seconds('window_secs')
    .default(60)
    .describe('Period the limits count over (per-minute limits: OpenAI, Anthropic, LiteLLM rpm/tpm).'),
  pace_lookahead_secs: seconds('pace_lookahead_secs')
    .default(120)
    .describe(
      "How far ahead the trend of the calls' rate is projected for the pace: the warning a steady ramp gets. Longer warns earlier on slow ramps and believes a short burst longer.",
    ),
  min_pace: ratio('min_pace')
    .default(0.8)
    .describe(
      "Pace (the share of the limit one window of the deployment's calls would use at their current rate plus their trend over pace_lookahead_secs) below which a falling remaining count is a window filling, not exhaustion; full confidence at 1.",
    ),
});

const LatencyConfig = z.strictObject({
  window_ms: milliseconds().default(120_000).describe('Sliding window (span time) of successful calls whose p95 is smoothed.'),
  min_samples: count('calls').default(30).describe('Successful calls the window needs before its p95 is used.'),
  alpha: ratio('alpha').default(0.5).describe('Holt level smoothing.'),
  beta: ratio('beta').default(0.3).describe('Holt trend smoothing.'),
  baseline_multiple: factor('baseline_multiple').default(2).describe('The failure line: this multiple of the learned baseline p95.'),
  static_sla_ms: milliseconds()
    .default(30_000)
    .describe('The failure line while no learned baseline is ready (cold start): the static latency SLA.'),
  min_rise: z
    .number()
    .positive()
    .default(0.3)
    .describe('Least rise of the smoothed p95 above its reference (share) before a trend counts.'),
  horizon_secs: seconds('horizon_secs').default(900).describe('A crossing further away than this scores 0.'),
  near_secs: seconds('near_secs').default(120).describe('A crossing this close or closer scores its full confidence.'),
});

const ErrorRateConfig = z.strictObject({
  window_ms: milliseconds().default(60_000).describe('Window (span time) of calls whose error rate is compared tick to tick.'),
  min_errors: count('errors').default(5).describe('Failed calls the window needs before an acceleration counts.'),
  min_calls: count('calls').default(10).describe('Calls the window needs before its error rate is used.'),
  min_excess: ratio('min_excess').default(0.05).describe('Least error rate above the baseline rate before an acceleration counts.'),
  failure_rate: ratio('failure_rate')
    .default(0.5)
    .describe("The failure line: the share of failing calls at which LiteLLM's router cools a deployment down."),
});

const CircuitConfig = z.strictObject({
  failures_to_open: count('failures')
    .default(3)
    .describe("Consecutive failed calls that open a deployment's circuit (LiteLLM allowed_fails)."),
  successes_to_close: count('calls').default(3).describe('Consecutive successes in half_open that close it again.'),
});

export const PredictorConfig = z.strictObject({
  interval_ms: milliseconds().default(5_000).describe('How often (event time) every indicator is evaluated.'),
  min_score: ratio('min_score').default(0.5).describe('Score from which a risk is recorded as a prediction.'),
  clear_score: ratio('clear_score').default(0.25).describe('Score under which a risk counts as passed (once held for clear_after_ms).'),
  clear_after_ms: milliseconds().default(60_000).describe('How long the score must stay under clear_score before the risk has passed.'),
  min_horizon_secs: seconds('min_horizon_secs')
    .default(300)
    .describe('Shortest horizon a prediction claims (detectors confirm a failure some time after its line is crossed).'),
  max_horizon_secs: seconds('max_horizon_secs').default(900).describe('Longest horizon a prediction may claim.'),
  quiet_ms: milliseconds()
    .default(300_000)
    .describe('A failure of a kind on a key less than this after the last one continues its episode: no new prediction, no new miss.'),
  max_keys: count('keys').default(2_000).describe('Deployments and models held; the least recently seen are dropped beyond it.'),
  rate_limit: RateLimitConfig.default(RateLimitConfig.parse({})).describe('Rate-limit exhaustion from the remaining/reset headers.'),
  latency: LatencyConfig.default(LatencyConfig.parse({})).describe('Latency trend: Holt smoothing of the windowed p95.'),
  error_rate: ErrorRateConfig.default(ErrorRateConfig.parse({})).describe('Error-rate acceleration (second difference).'),
  circuit: CircuitConfig.default(CircuitConfig.parse({})).describe('Circuit-breaker state inferred per deployment.'),
});
export type PredictorConfig = z.infer<typeof PredictorConfig>;
