import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import { createBatch, type Batch } from '../../../agent/core/model/batch.ts';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { PredictedFailure } from '../../../agent/core/model/prediction.ts';
import predictor from '../../../processors/predictor/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { failureEvent } from '../../support/failure-event-builder.ts';
import { llmCall } from '../../support/llm-call-builder.ts';
import { createTestMeter } from '../../support/metric-reader.ts';

const T0 = Date.parse('2026-01-05T09:00:00Z');

async function build(config: Record<string, unknown> = {}, meter = createTestMeter()) {
  const time = createManualTime(T0);
  const emitted: Batch[] = [];
  const p = await predictor.create(predictor.configSchema.parse(config), {
    ...makeProcessorContext({ clock: time.clock, scheduler: time.scheduler, emit: async (b) => void emitted.push(b) }),
    mode: 'offline',
    meter: meter.meter,
  });
  await p.start?.();
  const predictions = () => emitted.flatMap((b) => b.predictions) as PredictedFailure[];
  return { p, time, emitted, predictions };
}

let n = 0;
function call(atMs: number, over: Partial<LlmCall> = {}): LlmCall {
  n++;
  return { ...llmCall({ spanId: n.toString(16).padStart(16, '0'), startMs: atMs - 800, endMs: atMs }), deploymentId: 'dep-1', ...over };
}

function withHeaders(atMs: number, remainingTokens: number, limitTokens: number): LlmCall {
  return call(atMs, {
    rateLimit: {
      limitRequests: 10_000,
      remainingRequests: 9_000,
      resetRequests: null,
      limitTokens,
      remainingTokens,
      resetTokens: null,
      retryAfterSec: null,
      headers: {},
    },
  });
}

describe('predictor', () => {
  it('predicts rate-limit exhaustion from a falling remaining header and confirms it with the 429 that follows', async () => {
    const { p, time, predictions } = await build();
    // Tokens used climb from 10 % to 100 % of the limit over 180 s.
    for (let s = 0; s <= 180; s += 2) {
      const at = T0 + s * 1000;
      await time.advanceTo(at);
      await p.process(createBatch({ calls: [withHeaders(at, Math.max(0, 100_000 - 10_000 - 500 * s), 100_000)] }));
    }
    const first = predictions().find((x) => x.failure_type === 'rate_limited')!;
    expect(first).toMatchObject({ status: 'pending', provider: 'openai', model: 'gpt-4o', deployment: 'dep-1', active: true });
    const predictedMs = Date.parse(first.predicted_at);
    expect(predictedMs).toBeLessThanOrEqual(T0 + 120_000);
    const failureAt = T0 + 181_000;
    const out = await p.process(
      createBatch({
        events: [
          failureEvent(1, { subtype: 'rate_limited', provider: 'openai', model: 'gpt-4o', timestamp: new Date(failureAt).toISOString() }),
        ],
      }),
    );
    const confirmed = out.predictions.find((x) => x.prediction_id === first.prediction_id)!;
    expect(confirmed.status).toBe('confirmed');
    expect(confirmed.lead_secs).toBeCloseTo((failureAt - predictedMs) / 1000, 3);
    expect(confirmed.lead_secs).toBeGreaterThanOrEqual(60);
  });

  it('stays quiet on steady use of half the limit', async () => {
    const { p, time, predictions } = await build();
    for (let s = 0; s <= 600; s += 2) {
      const at = T0 + s * 1000;
      await time.advanceTo(at);
      await p.process(createBatch({ calls: [withHeaders(at, 50_000 + (s % 6) * 500, 100_000)] }));
    }
    expect(predictions()).toEqual([]);
  });

  it('records a failure that came with no prediction as missed, once per episode', async () => {
    const { p } = await build();
    const event = (i: number, s: number) =>
      failureEvent(i, { subtype: 'rate_limited', provider: 'openai', model: 'gpt-4o', timestamp: new Date(T0 + s * 1000).toISOString() });
    const out = await p.process(createBatch({ events: [event(1, 10), event(2, 20)] }));
    expect(out.predictions).toHaveLength(1);
    expect(out.predictions[0]).toMatchObject({
      status: 'missed',
      failure_type: 'rate_limited',
      score: 0,
      outcome_failure_id: event(1, 10).failure_id,
    });
  });

  it('expires a prediction whose failure never came within its horizon', async () => {
    const { p, time, predictions } = await build();
    for (let s = 0; s <= 150; s += 2) {
      const at = T0 + s * 1000;
      await time.advanceTo(at);
      await p.process(createBatch({ calls: [withHeaders(at, 90_000 - 500 * s, 100_000)] }));
    }
    // The burst stops: usage falls back and nothing fails.
    for (let s = 152; s <= 1_200; s += 2) {
      const at = T0 + s * 1000;
      await time.advanceTo(at);
      await p.process(createBatch({ calls: [withHeaders(at, 80_000, 100_000)] }));
    }
    const versions = predictions().filter((x) => x.failure_type === 'rate_limited');
    expect(versions[0].status).toBe('pending');
    expect(versions.at(-1)).toMatchObject({ status: 'expired' });
    expect(versions.some((v) => v.active === false)).toBe(true);
  });

  it('keeps a prediction raised on a newer estimate pending until the horizon of that estimate', async () => {
    const { p, time, predictions } = await build();
    // Used tokens creep up, always some 150 s from the limit (a watch-level risk), then a burst.
    const remainingAt = (s: number) =>
      s <= 300 ? 60_000 * Math.exp(-s / 150) : Math.max(0, 60_000 * Math.exp(-300 / 150) - 1_000 * (s - 300));
    for (let s = 0; s <= 320; s += 2) {
      const at = T0 + s * 1000;
      await time.advanceTo(at);
      await p.process(createBatch({ calls: [withHeaders(at, Math.round(remainingAt(s)), 100_000)] }));
    }
    const versions = () => predictions().filter((x) => x.failure_type === 'rate_limited');
    const first = versions()[0];
    expect(first.score).toBeLessThan(0.8);
    const raised = versions().at(-1)!;
    expect(raised).toMatchObject({ prediction_id: first.prediction_id, status: 'pending' });
    expect(raised.score).toBeGreaterThanOrEqual(0.8);
    // The 429 comes after the first estimate's horizon, within the raised one's.
    const failureAt = Date.parse(first.predicted_at) + first.horizon_secs * 1000 + 20_000;
    await time.advanceTo(failureAt);
    const out = await p.process(
      createBatch({
        events: [
          failureEvent(1, { subtype: 'rate_limited', provider: 'openai', model: 'gpt-4o', timestamp: new Date(failureAt).toISOString() }),
        ],
      }),
    );
    expect(versions().some((v) => v.status === 'expired')).toBe(false);
    expect(out.predictions.find((x) => x.prediction_id === first.prediction_id)).toMatchObject({ status: 'confirmed' });
  });

  it('projects a rising latency to the static SLA during cold start', async () => {
    const { p, time, predictions } = await build({ latency: { static_sla_ms: 30_000, min_samples: 5 } });
    // p95 climbs by about 40 ms per second from 3 s.
    for (let s = 0; s <= 400; s += 1) {
      const at = T0 + s * 1000;
      await time.advanceTo(at);
      const duration = 3_000 + 40 * Math.max(0, s - 60);
      await p.process(
        createBatch({
          calls: [call(at, { timing: { startMs: at - duration, endMs: at, durationMs: duration, timeToFirstTokenMs: null } })],
        }),
      );
    }
    const latency = predictions().find((x) => x.failure_type === 'latency_degradation');
    expect(latency).toBeDefined();
    expect(latency!.indicators.failure_line_ms).toBe(30_000);
    // Predicted before p95 reached the line (3 s + 40 ms × (s − 60) = 30 s at s ≈ 735).
    expect(Date.parse(latency!.predicted_at)).toBeLessThan(T0 + 735_000);
  });

  it('reports circuit transitions of a deployment on the circuits lane', async () => {
    const { p } = await build();
    const fail = (s: number) =>
      call(T0 + s * 1000, {
        outcome: 'error',
        error: {
          httpStatus: 503,
          code: '503',
          type: 'ServiceUnavailableError',
          message: 'unavailable',
          provider: 'openai',
          exceptions: [],
        },
      });
    const out = await p.process(createBatch({ calls: [fail(1), fail(2), fail(3), call(T0 + 4_000)] }));
    expect(out.circuits.map((c) => `${c.from}->${c.to}`)).toEqual(['closed->open', 'open->half_open']);
    expect(out.circuits[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o', deployment: 'dep-1' });
  });

  it('publishes the score, the circuit state and the running precision, recall and lead as gauges', async () => {
    const meter = createTestMeter();
    const { p, time } = await build({}, meter);
    for (let s = 0; s <= 180; s += 2) {
      const at = T0 + s * 1000;
      await time.advanceTo(at);
      await p.process(createBatch({ calls: [withHeaders(at, Math.max(0, 90_000 - 500 * s), 100_000)] }));
    }
    expect((await meter.read({ provider: 'openai', failure_type: 'rate_limited' })).failure_prediction_score).toBeGreaterThanOrEqual(0.8);
    const at = new Date(T0 + 181_000).toISOString();
    await p.process(
      createBatch({ events: [failureEvent(1, { subtype: 'rate_limited', provider: 'openai', model: 'gpt-4o', timestamp: at })] }),
    );
    const fail = (s: number) =>
      call(T0 + s * 1000, {
        outcome: 'error',
        error: {
          httpStatus: 503,
          code: '503',
          type: 'ServiceUnavailableError',
          message: 'unavailable',
          provider: 'openai',
          exceptions: [],
        },
      });
    await p.process(createBatch({ calls: [fail(182), fail(183), fail(184)] }));
    const accuracy = await meter.read({ failure_type: 'rate_limited' });
    expect(accuracy.faultline_prediction_precision).toBe(1);
    expect(accuracy.faultline_prediction_recall).toBe(1);
    expect(accuracy.faultline_prediction_lead_seconds).toBeGreaterThanOrEqual(60);
    expect((await meter.read({ deployment: 'dep-1' })).llm_deployment_circuit_state).toBe(2);
  });
});
