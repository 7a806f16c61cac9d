// quality/regression through the real chain (normalize → trace_assembler → detectors → classifier)
// on an event-time clock: RAG answers grounded in their tool result or not (the grounding screen,
// which finishes after the batch's expensive checks), the answering model as the span says. A
// rise in the failure rate after a change of answering model, or against the model's own recent
// level, is reported once with its evidence; a steady rate, an unchanged one and a handful of
// calls are not.
import { describe, expect, it } from 'vitest';
import type { FailureEvent } from '../../../../agent/core/model/failure-event.ts';
import { RegressionConfig } from '../../../../processors/detectors/quality/config.ts';
import { BASE_MS } from '../../../fixtures/spans/scenario.ts';
import type { SpanInput } from '../../../support/span-builder.ts';
import { startChain } from '../run-pipeline.ts';
import { ANNUAL_REPORT, qualitySpan } from './spans.ts';

const GOOD = 'Northwind Traders reported revenue of $4.25 million for fiscal 2024 (up 18%) and opened 12 new stores.';
const HALLUCINATED = 'Northwind Traders earned $5,100,000 in fiscal 2024, up 27%, and runs 40 stores.';
const OLD = 'gpt-4o-2024-08-06';
const NEW = 'gpt-4o-2026-02-14';
const EVERY_MS = 2_000;

interface Stretch {
  /** Calls in this stretch, EVERY_MS apart, after the previous stretch. */
  calls: number;
  /** Which calls (index within the stretch) answer with ungrounded facts. */
  failing: (i: number) => boolean;
  responseModel?: string;
  requestModel?: string;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/** RAG calls over consecutive stretches of event time. */
function traffic(stretches: Stretch[]): SpanInput[] {
  const spans: SpanInput[] = [];
  let n = 0;
  for (const s of stretches) {
    for (let i = 0; i < s.calls; i++, n++) {
      const span = qualitySpan({
        traceId: `ae${hex(n, 30)}`,
        spanId: `ae${hex(n, 14)}`,
        user: 'How did Northwind do in 2024?',
        tool: ANNUAL_REPORT,
        output: s.failing(i) ? HALLUCINATED : GOOD,
        attributes: {
          'gen_ai.response.model': s.responseModel ?? OLD,
          'gen_ai.request.model': s.requestModel ?? 'gpt-4o',
          'litellm.model_group': s.requestModel ?? 'gpt-4o',
        },
      });
      spans.push({ ...span, startMs: BASE_MS + n * EVERY_MS, durationMs: 900 });
    }
  }
  return spans;
}

const oneIn = (k: number) => (i: number) => i % k === 0;
/** 3 in 20: triple the 1-in-20 rate. */
const threeIn20 = (i: number) => [0, 7, 14].includes(i % 20);

async function run(spans: SpanInput[], regression: Record<string, unknown> = {}) {
  const chain = await startChain({ detectors: { quality: { workers: { threads: 0 }, regression } }, startMs: BASE_MS });
  for (let i = 0; i < spans.length; i += 10) await chain.send(spans.slice(i, i + 10));
  return chain.finish();
}

const regressions = (events: readonly FailureEvent[]) => events.filter((e) => e.subtype === 'regression');

describe('quality/regression after a change of answering model', () => {
  it('reports a tripled hallucination rate after gpt-4o starts answering as a new snapshot once, with both models, rates, counts and the rising subtype', async () => {
    const spans = traffic([
      { calls: 200, failing: oneIn(20) },
      { calls: 200, failing: threeIn20, responseModel: NEW },
    ]);
    const { events } = await run(spans);
    const found = regressions(events);
    expect(found).toHaveLength(1);
    const e = found[0];
    expect(e).toMatchObject({
      category: 'quality',
      subtype: 'regression',
      severity: 'P2',
      provider: 'openai',
      model: 'gpt-4o',
      detection_method: 'response_model_change',
      span_id: null,
    });
    expect(e.evidence).toMatchObject({
      rule: 'quality_failure_rate_x2',
      key: 'openai/gpt-4o',
      response_model_before: OLD,
      response_model_after: NEW,
      model_changed_at: new Date(BASE_MS + 200 * EVERY_MS + 900).toISOString(),
      failure_rate_before: 0.05,
      failures_before: 10,
      calls_before: 200,
      baseline_window_ms: 1_800_000,
    });
    const ev = e.evidence as Record<string, number> & { rising_subtypes: { subtype: string; failures_after: number }[] };
    expect(ev.failure_rate_after).toBeCloseTo(ev.failures_after / ev.calls_after, 3);
    expect(ev.failure_rate_after).toBeGreaterThanOrEqual(0.1);
    expect(ev.calls_after).toBeGreaterThanOrEqual(40);
    expect(ev.z).toBeGreaterThanOrEqual(2.5);
    expect(ev.rising_subtypes).toEqual([
      expect.objectContaining({ subtype: 'hallucination', failures_before: 10, failures_after: ev.failures_after }),
    ]);
    // Its member spans are the failing calls after the change; the tipping call is the last.
    const hallucinatedAfter = events.filter((x) => x.subtype === 'hallucination' && Date.parse(x.timestamp) >= BASE_MS + 200 * EVERY_MS);
    expect(e.member_spans).toHaveLength(ev.failures_after);
    expect(e.member_spans.at(-1)).toBe(hallucinatedAfter[ev.failures_after - 1].span_id);
  });

  it('leaves every hallucinated call its own hallucination event beside the regression', async () => {
    const { events } = await run(
      traffic([
        { calls: 200, failing: oneIn(20) },
        { calls: 200, failing: threeIn20, responseModel: NEW },
      ]),
    );
    expect(events.filter((e) => e.subtype === 'hallucination')).toHaveLength(10 + 30);
    expect(regressions(events)).toHaveLength(1);
  });

  it('does not report a change of answering model whose answers are as good as before', async () => {
    const { events } = await run(
      traffic([
        { calls: 200, failing: oneIn(20) },
        { calls: 200, failing: oneIn(20), responseModel: NEW },
      ]),
    );
    expect(events.filter((e) => e.subtype === 'hallucination')).toHaveLength(20);
    expect(regressions(events)).toEqual([]);
  });

  it('does not report a rise on a handful of calls, nor against a baseline of too few', async () => {
    const fewAfter = await run(
      traffic([
        { calls: 200, failing: oneIn(20) },
        { calls: 30, failing: () => true, responseModel: NEW },
      ]),
    );
    expect(regressions(fewAfter.events)).toEqual([]);
    const fewBefore = await run(
      traffic([
        { calls: 30, failing: () => false },
        { calls: 100, failing: oneIn(2), responseModel: NEW },
      ]),
    );
    expect(regressions(fewBefore.events)).toEqual([]);
  });
});

describe('quality/regression against the recent level (no change of model)', () => {
  it('does not report a steady low failure rate over hours', async () => {
    const { events } = await run(traffic([{ calls: 1_500, failing: oneIn(20) }]));
    expect(events.filter((e) => e.subtype === 'hallucination')).toHaveLength(75);
    expect(regressions(events)).toEqual([]);
  });

  it('reports a rate that climbs from 1 in 50 to 1 in 5 once, with no model named, and stays quiet through the cool-down', async () => {
    const { events } = await run(
      traffic([
        { calls: 600, failing: oneIn(50) },
        { calls: 600, failing: oneIn(5) },
      ]),
    );
    const found = regressions(events);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ detection_method: 'failure_rate', model: 'gpt-4o' });
    expect(found[0].evidence).toMatchObject({
      window_ms: 300_000,
      response_model_before: null,
      response_model_after: null,
      model_changed_at: null,
      failure_rate_before: 0.02,
    });
    expect((found[0].evidence as { failure_rate_after: number }).failure_rate_after).toBeGreaterThanOrEqual(0.07);
  });
});

describe('quality/regression memory', () => {
  it('forgets the least recently seen model past max_keys, so its baseline starts again', async () => {
    const interloper = traffic([
      { calls: 1, failing: () => false, requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024-07-18' },
    ])[0];
    const spans = traffic([
      { calls: 200, failing: oneIn(20) },
      { calls: 200, failing: threeIn20, responseModel: NEW },
    ]);
    // One gpt-4o-mini call lands between the two stretches; with max_keys 1 it evicts gpt-4o.
    const at = BASE_MS + 200 * EVERY_MS - 1_000;
    const mixed = [
      ...spans.slice(0, 200),
      { ...interloper, traceId: 'af'.padEnd(32, '0'), spanId: 'af'.padEnd(16, '0'), startMs: at },
      ...spans.slice(200),
    ];
    expect(regressions((await run(mixed, { max_keys: 1 })).events)).toEqual([]);
    expect(regressions((await run(mixed, { max_keys: 2 })).events)).toHaveLength(1);
  });
});

describe('quality/regression config', () => {
  it('has defaults for every setting and rejects unknown keys, a ratio of 1 or less and regression as a counted subtype', () => {
    expect(RegressionConfig.parse({})).toMatchObject({
      enabled: true,
      window_ms: 300_000,
      baseline_window_ms: 1_800_000,
      min_calls_before: 50,
      min_calls_after: 40,
      rate_ratio: 2,
      min_rate_rise: 0.05,
      min_z: 3,
      min_z_after_change: 2.5,
      cool_down_ms: 1_800_000,
      max_keys: 1_000,
    });
    expect(RegressionConfig.safeParse({ window: 1 }).success).toBe(false);
    expect(RegressionConfig.safeParse({ rate_ratio: 1 }).error?.issues[0].message).toBe('expected a number above 1 (rate_ratio)');
    expect(RegressionConfig.safeParse({ subtypes: ['regression'] }).error?.issues[0].message).toMatch(/^expected a quality subtype/);
    expect(RegressionConfig.safeParse({ subtypes: [] }).success).toBe(false);
  });

  it('reports nothing when disabled', async () => {
    const { events } = await run(
      traffic([
        { calls: 200, failing: oneIn(20) },
        { calls: 200, failing: threeIn20, responseModel: NEW },
      ]),
      { enabled: false },
    );
    expect(regressions(events)).toEqual([]);
  });
});
