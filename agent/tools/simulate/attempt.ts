// One attempt of the gateway against a deployment: the provider's rate limit first (a 429 when the
// minute's requests or tokens are used up), then the scenario's error and latency faults, then a
// lognormal latency (time to first token + per-token generation). A call slower than the request
// timeout becomes a litellm.Timeout.
import { matches, type FaultWindow } from './fault-window.ts';
import type { Attempt, ErrorShape, RequestPlan, Team } from './plan.ts';
import type { ModelSpec } from './price-table.ts';
import { providerError, rateLimitError } from './provider-errors.ts';
import type { Random } from './random.ts';
import type { DeploymentLimits } from './rate-limits.ts';
import type { Scenario } from './scenario-schema.ts';
import type { Seasonality } from './seasonality.ts';

export interface AttemptContext {
  random: Random;
  scenario: Scenario;
  window: FaultWindow;
  limits: DeploymentLimits;
  season: Seasonality;
  /** Attempts each error fault has failed so far (by fault index), for its max_attempts. */
  failedBy: Map<number, number>;
}

export function runAttempt(
  ctx: AttemptContext,
  spec: ModelSpec,
  startAt: number,
  plan: RequestPlan,
  team: Team,
  inputTokens: number,
  touched: (i: number) => void,
): Attempt {
  const { random, scenario, window, limits, season } = ctx;
  const timeoutMs = scenario.traffic.timeout_ms;
  // A healthy answer ends on its own: the lognormal's far tail (about 1 in 200 past 1,024 tokens)
  // stops short of max_tokens instead of being cut, so truncations come only from faults.
  const drawn = Math.max(1, Math.round(random.lognormal(spec.tier === 1 ? 280 : 200, 0.5)));
  const outputTokens = drawn < plan.maxTokens ? drawn : Math.round(plan.maxTokens * random.uniform(0.6, 0.95));
  const attempt: Attempt = {
    spanId: random.hex(8),
    spec,
    startMs: startAt,
    durationMs: 0,
    error: null,
    inputTokens,
    outputTokens,
    responseModel: spec.responseModel,
    finishReason: outputTokens >= plan.maxTokens ? 'length' : 'stop',
    outputText: null,
    faithfulness: null,
    rateLimit: null,
  };
  const h = limits.headroom(spec, startAt);
  let error: ErrorShape | null = null;
  if (h.usedRequests + 1 > h.limitRequests) error = rateLimitError(spec, 'requests', h.usedRequests, 1);
  else if (h.usedTokens + inputTokens + outputTokens > h.limitTokens)
    error = rateLimitError(spec, 'tokens', h.usedTokens, inputTokens + outputTokens);
  let extraMs = 0;
  let scale = season.latency(startAt);
  for (const [index, f] of scenario.faults.entries()) {
    if (!window.active(f, startAt) || !matches(f.match, spec, team)) continue;
    if (f.kind === 'error' && error === null && (f.max_attempts === undefined || (ctx.failedBy.get(index) ?? 0) < f.max_attempts)) {
      // Drawn only while the fault has attempts left, so a spent fault leaves the random sequence alone.
      if (!random.chance(f.share)) continue;
      error = providerError(f.error, spec, timeoutMs);
      ctx.failedBy.set(index, (ctx.failedBy.get(index) ?? 0) + 1);
      touched(index);
    } else if (f.kind === 'latency_ramp') {
      extraMs += f.to_ms * window.progress(f, startAt) * random.uniform(0.85, 1.15);
      touched(index);
    } else if (f.kind === 'latency_scale' && random.chance(f.share)) {
      scale *= f.multiplier;
      touched(index);
    } else if (f.kind === 'latency_injection' && random.chance(f.share)) {
      extraMs += random.uniform(f.min_ms, f.max_ms);
      touched(index);
    }
  }
  if (error !== null) return failed(attempt, error, random, timeoutMs);
  const perTokenMs = (spec.medianMs * 0.6) / 280;
  attempt.durationMs =
    (random.lognormal(spec.medianMs * 0.4, spec.sigma) + outputTokens * perTokenMs * random.uniform(0.8, 1.2)) * scale + extraMs;
  if (attempt.durationMs > timeoutMs) return failed(attempt, providerError('timeout', spec, timeoutMs), random, timeoutMs);
  // Gemini sends no rate-limit headers; OpenAI and Anthropic do on every success.
  if (spec.provider !== 'gemini') {
    const usedRequests = Math.min(h.limitRequests, h.usedRequests + 1);
    const usedTokens = Math.min(h.limitTokens, h.usedTokens + inputTokens + outputTokens);
    attempt.rateLimit = {
      limitRequests: h.limitRequests,
      remainingRequests: h.limitRequests - usedRequests,
      limitTokens: h.limitTokens,
      remainingTokens: h.limitTokens - usedTokens,
      resetRequestsSecs: (usedRequests * 60) / Math.max(1, h.limitRequests),
      resetTokensSecs: (usedTokens * 60) / Math.max(1, h.limitTokens),
    };
  }
  return attempt;
}

function failed(attempt: Attempt, error: ErrorShape, random: Random, timeoutMs: number): Attempt {
  attempt.error = error;
  attempt.durationMs =
    error.type === 'Timeout' ? timeoutMs * random.uniform(1, 1.01) : random.lognormal(error.status === 429 ? 120 : 300, 0.3);
  attempt.outputTokens = 0;
  return attempt;
}
