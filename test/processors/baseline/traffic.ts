// Generated LLM traffic for the baseline processor's tests: Poisson arrivals, lognormal latencies
// and token counts, optional daily seasonality, errors and steps, all from a seeded generator, so
// a rule is tried on many shapes of traffic rather than one hand-picked trace. Feeds the calls
// through the processor in event-time order and collects the signals and snapshots it produces.
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { BaselineSnapshot } from '../../../agent/core/model/baseline.ts';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import type { Processor } from '../../../agent/core/component.ts';
import { createManualTime } from '../../../agent/core/clock.ts';
import type { Leadership } from '../../../agent/core/leadership.ts';
import type { Database } from '../../../agent/store/database.ts';
import baseline from '../../../processors/baseline/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { llmCall } from '../../support/llm-call-builder.ts';

export interface TrafficShape {
  seed: number;
  startMs: number;
  durationMs: number;
  /** Calls per second (before seasonality). */
  rate: number;
  provider?: string;
  model?: string;
  medianMs?: number;
  sigma?: number;
  /** Share of calls that fail (429 rate_limited unless errorType says otherwise). */
  errorRate?: number | ((ms: number) => number);
  errorType?: string;
  /** Multiple of latency at event time ms (seasonality, a step). */
  latency?: (ms: number) => number;
  /** Multiple of the rate at event time ms. */
  rateScale?: (ms: number) => number;
  /** Multiple of tokens per request at event time ms. */
  tokens?: (ms: number) => number;
  /** Output tokens per second of generation (median); latency then follows from tokens. */
  tokensPerSec?: (ms: number) => number;
}

/** A small deterministic generator (LCG) with the draws the traffic needs. */
export function seeded(seed: number) {
  let s = (seed * 2654435761) % 4294967296;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

export function* calls(shape: TrafficShape): Generator<LlmCall> {
  const r = seeded(shape.seed);
  const endMs = shape.startMs + shape.durationMs;
  const median = shape.medianMs ?? 2_000;
  const sigma = shape.sigma ?? 0.5;
  let t = shape.startMs;
  for (let n = 0; ; n++) {
    const rate = shape.rate * (shape.rateScale?.(t) ?? 1);
    t += (-Math.log(r.next()) * 1000) / rate;
    if (t >= endMs) return;
    const errorRate = typeof shape.errorRate === 'function' ? shape.errorRate(t) : (shape.errorRate ?? 0);
    const failed = r.next() < errorRate;
    const output = Math.max(20, Math.round(280 * Math.exp(0.4 * r.normal()) * (shape.tokens?.(t) ?? 1)));
    const input = Math.max(10, Math.round(600 * Math.exp(0.3 * r.normal()) * (shape.tokens?.(t) ?? 1)));
    let duration = median * Math.exp(sigma * r.normal()) * (shape.latency?.(t) ?? 1);
    if (shape.tokensPerSec) duration = 300 + (output / shape.tokensPerSec(t)) * 1000 * Math.exp(0.1 * r.normal());
    if (failed) duration = 300;
    const call = llmCall({
      spanId: n.toString(16).padStart(16, '0'),
      traceId: (shape.seed * 1_000_003 + n).toString(16).padStart(32, '0'),
      startMs: t - duration,
      endMs: t,
      outcome: failed ? 'error' : 'ok',
      provider: shape.provider ?? 'anthropic',
      model: shape.model ?? 'claude-sonnet-4-5',
    });
    call.tokens = {
      input,
      output: failed ? 0 : output,
      total: input + (failed ? 0 : output),
      reasoning: null,
      cacheRead: null,
      cacheWrite: null,
    };
    call.cost = { totalUsd: (input * 3 + (failed ? 0 : output) * 15) / 1e6, inputUsd: null, outputUsd: null, breakdown: {} };
    if (failed) call.signals = [providerSignal(shape.errorType ?? 'rate_limited')];
    yield call;
  }
}

function providerSignal(subtype: string): Signal {
  return { category: 'provider', subtype, detection_method: 'status_code', confidence: 1, evidence: { rule: 'test' }, fields: {} };
}

export interface Found {
  atMs: number;
  signal: Signal;
}

/** Feeds calls (merged across shapes by end time) through the processor in batches of 50. */
export async function feed(processor: Processor, ...sources: Iterable<LlmCall>[]): Promise<Found[]> {
  const merged = [...sources.flatMap((s) => [...s])].sort((a, b) => a.timing.endMs - b.timing.endMs);
  const found: Found[] = [];
  for (let i = 0; i < merged.length; i += 50) {
    const out = await processor.process(createBatch({ calls: merged.slice(i, i + 50) }));
    for (const c of out.calls)
      for (const s of c.signals) if (s.detection_method === 'learned_baseline') found.push({ atMs: c.timing.endMs, signal: s });
  }
  return found;
}

/** The first report of each deviation episode (a lasting episode is reported again, evidence continued: true). */
export const episodeStarts = (found: readonly Found[]): Found[] => found.filter((f) => f.signal.evidence.continued !== true);

/** The baselines lane of every batch emitted. */
export function snapshotsOf(batches: { baselines: readonly BaselineSnapshot[] }[]): BaselineSnapshot[] {
  return batches.flatMap((b) => [...b.baselines]);
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A Monday, 00:00 UTC. */
export const MONDAY = Date.parse('2026-03-02T00:00:00Z');

/** Business hours (09–18 UTC) `high` times slower, with an hour's ramp on each side. */
export function businessHours(high: number): (ms: number) => number {
  return (ms) => {
    const h = (ms % DAY) / HOUR;
    const up = Math.min(1, Math.max(0, h - 8));
    const down = Math.min(1, Math.max(0, 19 - h));
    return 1 + (high - 1) * Math.min(up, down);
  };
}

/**
 * Runs the baseline processor on event time (a manual clock that follows the calls, so its flush
 * timer fires as it would live), optionally against a database, and collects what it emits.
 */
export async function runOnEventTime(
  options: { database?: Database | null; config?: Record<string, unknown>; startMs: number; leadership?: Leadership },
  ...sources: Iterable<LlmCall>[]
) {
  const time = createManualTime(options.startMs);
  const emitted: BaselineSnapshot[][] = [];
  const processor = await baseline.create(
    baseline.configSchema.parse(options.config ?? {}),
    makeProcessorContext({
      clock: time.clock,
      scheduler: time.scheduler,
      database: options.database ?? null,
      ...(options.leadership ? { leadership: options.leadership } : {}),
      emit: async (b) => void emitted.push([...b.baselines]),
    }),
  );
  await processor.start?.();
  const merged = [...sources.flatMap((s) => [...s])].sort((a, b) => a.timing.endMs - b.timing.endMs);
  const found: Found[] = [];
  for (let i = 0; i < merged.length; i += 50) {
    const chunk = merged.slice(i, i + 50);
    await time.advanceTo(chunk[chunk.length - 1].timing.endMs);
    const out = await processor.process(createBatch({ calls: chunk }));
    for (const c of out.calls)
      for (const s of c.signals) if (s.detection_method === 'learned_baseline') found.push({ atMs: c.timing.endMs, signal: s });
  }
  return {
    processor,
    time,
    found,
    emitted,
    /** Shuts the processor down (it flushes) and returns every snapshot emitted, in order. */
    async stop(): Promise<BaselineSnapshot[]> {
      await processor.shutdown?.();
      time.stop();
      return emitted.flat();
    },
  };
}
