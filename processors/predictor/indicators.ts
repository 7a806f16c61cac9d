// The indicator state the predictor keeps: per deployment the rate-limit trends (requests and
// tokens) and the circuit breaker; per provider/model the call windows, the latency trend and the
// error acceleration. `observe` takes calls in span order; `risks` evaluates every key at a tick.
import { createHash } from 'node:crypto';
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { CircuitState, CircuitTransition, RecommendedAction } from '../../agent/core/model/prediction.ts';
import { ArrivalRate } from './arrival-rate.ts';
import type { BaselineView } from './baseline-view.ts';
import { isServiceFailure, type CircuitOutcome } from './call-outcome.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import type { PredictorConfig } from './config.ts';
import { ErrorAcceleration } from './error-acceleration.ts';
import { LatencyTrend } from './latency-trend.ts';
import type { Risk } from './outcomes.ts';
import { RateLimitTrend, type Exhaustion } from './rate-limit-trend.ts';
import { resetSeconds } from './reset-time.ts';
import { ramp, urgency } from './risk-score.ts';
import { SlidingWindow } from './sliding-window.ts';

interface Deployment {
  provider: string;
  model: string | null;
  deployment: string | null;
  requests: RateLimitTrend;
  tokens: RateLimitTrend;
  /** What the calls themselves sent it, per limit. */
  sent: { requests: ArrivalRate; tokens: ArrivalRate };
  breaker: CircuitBreaker;
}

interface ModelState {
  provider: string;
  model: string;
  latencyWindow: SlidingWindow;
  errorWindow: SlidingWindow;
  latency: LatencyTrend;
  errors: ErrorAcceleration;
}

export interface Indicators {
  observe(call: LlmCall, outcome: CircuitOutcome): CircuitTransition | null;
  risks(nowMs: number): Risk[];
  /** Provider/models whose error rate is at the failure line now. */
  failingWindows(nowMs: number): { provider: string; model: string; deployment: null }[];
  circuitStates(): { provider: string; model: string | null; deployment: string | null; state: CircuitState }[];
}

/** A rate-limit reading older than this (the deployment went quiet) predicts nothing. */
const STALE_READING_MS = 60_000;

export function createIndicators(config: PredictorConfig, baselines: BaselineView): Indicators {
  const deployments = new Map<string, Deployment>();
  const models = new Map<string, ModelState>();
  const intervalSecs = config.interval_ms / 1000;
  const rl = config.rate_limit;

  const touch = <V>(map: Map<string, V>, key: string, make: () => V): V => {
    let v = map.get(key);
    if (v) map.delete(key);
    else v = make();
    map.set(key, v); // most recently seen last
    while (map.size > config.max_keys) map.delete(map.keys().next().value as string);
    return v;
  };

  const rateLimitRisk = (d: Deployment, nowMs: number): Risk | null => {
    let best: { e: Exhaustion; limit: 'requests' | 'tokens'; score: number; pace: number | null } | null = null;
    for (const limit of ['requests', 'tokens'] as const) {
      const trend = d[limit];
      if (nowMs - trend.lastSeenMs() > STALE_READING_MS) continue;
      const e = trend.forecast(nowMs);
      if (!e || e.utilization === null) continue;
      // A falling count at a pace the limit holds is a window filling after a step in traffic.
      const pace = e.limit === null ? null : d.sent[limit].pace(e.limit - e.remaining, e.limit);
      const confidence = Math.min(
        ramp(e.utilization, rl.min_utilization, rl.full_utilization),
        ramp(e.samples, 0, rl.min_samples),
        pace === null ? 1 : ramp(pace, rl.min_pace, 1),
      );
      const score = confidence * urgency(e.secsToExhaustion, rl.near_secs, rl.horizon_secs);
      if (!best || score > best.score) best = { e, limit, score, pace };
    }
    if (!best) return null;
    const { e, pace } = best;
    return {
      provider: d.provider,
      model: d.model,
      deployment: d.deployment,
      type: 'rate_limited',
      score: best.score,
      secsToFailure: e.secsToExhaustion,
      action: actionFor(best.score),
      indicators: {
        [`${best.limit}_remaining`]: e.remaining,
        [`${best.limit}_limit`]: e.limit,
        utilization: round3(e.utilization ?? 0),
        ...(pace === null ? {} : { pace: round3(pace) }),
        consumption_per_sec: round3(e.ratePerSec),
        secs_to_exhaustion: e.secsToExhaustion === null ? null : Math.round(e.secsToExhaustion),
        secs_to_reset: e.secsToReset === null ? null : Math.round(e.secsToReset),
      },
    };
  };

  return {
    observe(call, outcome) {
      const model = call.requestModel ?? call.responseModel ?? '';
      const deploymentId = call.deploymentId ?? call.apiBase ?? null;
      const { endMs, durationMs } = call.timing;
      const m = touch(models, `${call.provider}\u0000${model}`, () => ({
        provider: call.provider,
        model,
        latencyWindow: new SlidingWindow(config.latency.window_ms),
        errorWindow: new SlidingWindow(config.error_rate.window_ms),
        latency: new LatencyTrend(config.latency, intervalSecs),
        errors: new ErrorAcceleration(config.error_rate),
      }));
      if (call.outcome === 'ok') m.latencyWindow.add(endMs, true, durationMs);
      // Client-side errors say nothing about the provider's health, and a rate limit is its own failure.
      if (outcome === 'ok' || isServiceFailure(call, outcome)) m.errorWindow.add(endMs, outcome === 'ok', durationMs);

      const d = touch(deployments, `${call.provider}\u0000${model}\u0000${deploymentId ?? ''}`, () => ({
        provider: call.provider,
        model: model || null,
        deployment: deploymentId,
        requests: new RateLimitTrend(rl.ewma_tau_secs, rl.min_interval_ms),
        tokens: new RateLimitTrend(rl.ewma_tau_secs, rl.min_interval_ms),
        sent: {
          requests: new ArrivalRate(rl.window_secs, rl.pace_lookahead_secs),
          tokens: new ArrivalRate(rl.window_secs, rl.pace_lookahead_secs),
        },
        breaker: new CircuitBreaker(config.circuit.failures_to_open, config.circuit.successes_to_close),
      }));
      d.sent.requests.add(endMs, 1);
      const tokens = (call.tokens.input ?? 0) + (call.tokens.output ?? 0);
      if (tokens > 0) d.sent.tokens.add(endMs, tokens);
      const h = call.rateLimit;
      if (h) {
        if (h.remainingRequests !== null)
          d.requests.observe({
            atMs: endMs,
            remaining: h.remainingRequests,
            limit: h.limitRequests,
            resetSecs: resetSeconds(h.resetRequests, endMs),
          });
        if (h.remainingTokens !== null)
          d.tokens.observe({
            atMs: endMs,
            remaining: h.remainingTokens,
            limit: h.limitTokens,
            resetSecs: resetSeconds(h.resetTokens, endMs),
          });
      }
      const change = d.breaker.observe(outcome);
      if (!change) return null;
      const at = new Date(endMs).toISOString();
      return {
        transition_id: createHash('sha256')
          .update(`${d.provider}\u0000${model}\u0000${deploymentId ?? ''}\u0000${change.to}\u0000${at}`)
          .digest('hex')
          .slice(0, 32),
        provider: d.provider,
        model: d.model,
        deployment: d.deployment,
        from: change.from,
        to: change.to,
        at,
        reason: change.reason,
      };
    },

    risks(nowMs) {
      const out: Risk[] = [];
      for (const d of deployments.values()) {
        const r = rateLimitRisk(d, nowMs);
        if (r) out.push(r);
      }
      for (const m of models.values()) {
        m.latencyWindow.advance(nowMs);
        m.errorWindow.advance(nowMs);
        const subject = { provider: m.provider, model: m.model || null, deployment: null };
        const latency = m.latency.tick(
          m.latencyWindow.quantile(0.95, config.latency.min_samples),
          baselines.latencyP95Ms(m.provider, m.model),
        );
        if (latency)
          out.push({
            ...subject,
            type: 'latency_degradation',
            score: latency.score,
            atFailureLine: latency.atFailureLine,
            secsToFailure: latency.secsToCross,
            action: actionFor(latency.score),
            indicators: latency.indicators,
          });
        const errors = m.errors.tick(nowMs, m.errorWindow.calls, m.errorWindow.errors, baselines.errorRate(m.provider, m.model), {
          near: config.latency.near_secs,
          horizon: config.latency.horizon_secs,
        });
        if (errors)
          out.push({
            ...subject,
            type: 'outage',
            score: errors.score,
            secsToFailure: errors.secsToFailure,
            action: actionFor(errors.score),
            indicators: errors.indicators,
          });
      }
      return out;
    },

    failingWindows(nowMs) {
      const out: { provider: string; model: string; deployment: null }[] = [];
      for (const m of models.values()) {
        m.errorWindow.advance(nowMs);
        if (m.errors.isFailing(m.errorWindow.calls, m.errorWindow.errors))
          out.push({ provider: m.provider, model: m.model, deployment: null });
      }
      return out;
    },

    circuitStates() {
      return [...deployments.values()].map((d) => ({
        provider: d.provider,
        model: d.model,
        deployment: d.deployment,
        state: d.breaker.current,
      }));
    },
  };
}

const actionFor = (score: number): RecommendedAction => (score >= 0.8 ? 'shift_traffic' : 'watch');
const round3 = (x: number) => Math.round(x * 1000) / 1000;
