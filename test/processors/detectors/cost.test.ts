// Cost detectors through the real chain (normalize → trace_assembler → detectors → classifier),
// fed LiteLLM-shaped spans on an event-time clock: each subtype fires once per episode, and the
// near misses stay quiet.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BASE_MS, litellmCall, proxiedRequest, traceIdOf, type LiteLlmCallSpec } from '../../fixtures/spans/cost-data.ts';
import type { SpanInput } from '../../support/span-builder.ts';
import { startChain, subtypes } from './run-pipeline.ts';

const MIN = 60_000;

/** Sends each span alone, in time order, as a gateway would deliver them one by one. */
async function run(detectors: Record<string, unknown>, spans: SpanInput[]) {
  const chain = await startChain({ detectors, startMs: BASE_MS });
  for (const s of [...spans].sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0))) await chain.send([s]);
  return chain.finish();
}

const calls = (from: number, count: number, every: number, spec: Omit<LiteLlmCallSpec, 'n' | 'startMs'>, first = 0): SpanInput[] =>
  Array.from({ length: count }, (_, i) => litellmCall({ ...spec, n: from + i, startMs: BASE_MS + first + i * every }));

describe('budget_exceeded (configured budgets)', () => {
  const budgets = [{ scope: 'team', match: 'team-42', window_ms: 10 * MIN, budget_usd: 1 }];

  it("reports once when a team's spend in the window goes over its budget, with budget, spend and overage", async () => {
    const { events } = await run({ cost: { budgets } }, calls(1, 14, 30_000, { costUsd: 0.1 }));
    expect(subtypes(events)).toEqual(['cost/budget_exceeded']);
    const e = events[0];
    expect(e).toMatchObject({
      category: 'cost',
      budget_usd: 1,
      cost_usd: 1.1,
      overage_usd: 0.1,
      input_tokens: 500,
      output_tokens: 100,
      total_tokens: 600,
    });
    expect(e.evidence).toMatchObject({
      rule: 'budget:team',
      key_kind: 'team',
      key: 'team-42',
      window_ms: 600_000,
      baseline: 1,
      observed: 1.1,
      calls_in_window: 11,
    });
  });

  it("does not report spend that reaches the budget exactly, nor another team's spend", async () => {
    const { events } = await run({ cost: { budgets } }, [
      ...calls(1, 10, 30_000, { costUsd: 0.1 }),
      ...calls(100, 30, 10_000, { costUsd: 0.1, team: 'team-7' }),
    ]);
    expect(events).toEqual([]);
  });

  it('re-arms once the window has slid past the spend, and reports the next episode', async () => {
    const spans = [...calls(1, 12, 30_000, { costUsd: 0.1 }), ...calls(100, 12, 30_000, { costUsd: 0.1 }, 60 * MIN)];
    const { events } = await run({ cost: { budgets } }, spans);
    expect(subtypes(events)).toEqual(['cost/budget_exceeded', 'cost/budget_exceeded']);
  });

  it('gives every value its own budget with match "*", and names a user only by a hash', async () => {
    const perUser = [{ scope: 'user', window_ms: 10 * MIN, budget_usd: 0.25 }];
    const { events } = await run({ cost: { budgets: perUser } }, [
      ...calls(1, 3, 1_000, { costUsd: 0.1, user: 'alice@example.com' }),
      ...calls(50, 2, 1_000, { costUsd: 0.1, user: 'bob@example.com' }),
    ]);
    expect(subtypes(events)).toEqual(['cost/budget_exceeded']);
    expect(events[0].evidence).toMatchObject({
      key_kind: 'user',
      key: createHash('sha256').update('alice@example.com').digest('hex').slice(0, 16),
    });
    expect(JSON.stringify(events)).not.toContain('alice');
  });
});

describe('batch_cost_overrun', () => {
  it('reports once when the calls tagged with one batch cost more than its budget', async () => {
    const cost = { batches: [{ tag_prefix: 'batch:', budget_usd: 1 }] };
    const { events } = await run({ cost }, [
      ...calls(1, 6, 5_000, { costUsd: 0.3, tags: ['batch:nightly-42', 'eval'] }),
      ...calls(50, 3, 5_000, { costUsd: 0.3, tags: ['batch:small-7'] }),
    ]);
    expect(subtypes(events)).toEqual(['cost/batch_cost_overrun']);
    expect(events[0]).toMatchObject({ budget_usd: 1, cost_usd: 1.2, overage_usd: 0.2 });
    expect(events[0].evidence).toMatchObject({ key_kind: 'batch', key: 'batch:nightly-42', baseline: 1, observed: 1.2, calls: 4 });
  });

  it('leaves untagged calls and batches under budget alone', async () => {
    const cost = { batches: [{ tag: 'batch:weekly', budget_usd: 1 }] };
    const { events } = await run({ cost }, [
      ...calls(1, 20, 5_000, { costUsd: 0.3 }),
      ...calls(50, 3, 5_000, { costUsd: 0.3, tags: ['batch:weekly'] }),
    ]);
    expect(events).toEqual([]);
  });
});

describe('token_spike', () => {
  const spike = { token_spike: { min_samples: 20, factor: 5, min_tokens: 2_000 } };

  it('reports a request far above the rolling median of its route and model, once per run of spikes', async () => {
    const spans = [
      ...calls(1, 25, 10_000, { route: '/summarize', input: 400, output: 100 }),
      litellmCall({ n: 30, startMs: BASE_MS + 260_000, route: '/summarize', input: 9_000, output: 1_000 }),
      litellmCall({ n: 31, startMs: BASE_MS + 270_000, route: '/summarize', input: 12_000, output: 1_000 }),
      litellmCall({ n: 32, startMs: BASE_MS + 280_000, route: '/summarize', input: 400, output: 100 }),
      litellmCall({ n: 33, startMs: BASE_MS + 290_000, route: '/summarize', input: 8_000, output: 500 }),
    ];
    const { events } = await run({ cost: spike }, spans);
    expect(subtypes(events)).toEqual(['cost/token_spike', 'cost/token_spike']);
    expect(events[0]).toMatchObject({ total_tokens: 10_000, input_tokens: 9_000 });
    expect(events[0].evidence).toMatchObject({
      key_kind: 'route_model',
      key: '/summarize gpt-4o',
      baseline: 500,
      observed: 10_000,
      threshold: 2_500,
      samples: 25,
    });
  });

  it('does not report a large request on a route whose requests are always large', async () => {
    const spans = [
      ...calls(1, 25, 10_000, { route: '/long-context', input: 60_000, output: 2_000 }),
      litellmCall({ n: 40, startMs: BASE_MS + 300_000, route: '/long-context', input: 110_000, output: 4_000 }),
    ];
    const { events } = await run({ cost: spike }, spans);
    expect(events).toEqual([]);
  });

  it('counts OpenAI reasoning tokens once, as part of the output they are already in', async () => {
    const spans = [
      ...calls(1, 25, 10_000, { input: 300, output: 200 }),
      litellmCall({ n: 40, startMs: BASE_MS + 300_000, input: 300, output: 5_000, reasoning: 4_500 }),
    ];
    const { events } = await run({ cost: spike }, spans);
    expect(subtypes(events)).toEqual(['cost/token_spike']);
    expect(events[0]).toMatchObject({ output_tokens: 5_000, total_tokens: 5_300 });
    expect(events[0].evidence).toMatchObject({ reasoning_tokens: 4_500, reasoning_billing: 'subset_of_output', observed: 5_300 });
  });
});

describe('cache_miss_storm', () => {
  const cache = { cache_miss_storm: { window_ms: 5 * MIN, baseline_window_ms: 30 * MIN, min_calls: 5 } };
  const steady = (from: number, cached: number, count = 70, first = 0) => calls(from, count, 30_000, { input: 1_000, cached }, first);

  it('reports once when the cached share of input collapses against its rolling level', async () => {
    const { events } = await run({ cost: cache }, [...steady(1, 800), ...steady(200, 0, 20, 35 * MIN)]);
    expect(subtypes(events)).toEqual(['cost/cache_miss_storm']);
    expect(events[0].evidence).toMatchObject({
      key_kind: 'route_model',
      key: '/chat/completions gpt-4o',
      window_ms: 300_000,
      baseline: 0.8,
    });
    expect(events[0].evidence.observed).toBeLessThan(0.4);
  });

  it('does not report a dip that stays above the collapse ratio, nor a route that never cached much', async () => {
    const dip = [...steady(1, 800), ...steady(200, 500, 20, 35 * MIN)];
    const uncached = calls(500, 90, 30_000, { input: 1_000, cached: 100, route: '/embed-like' });
    const { events } = await run({ cost: cache }, [
      ...dip,
      ...uncached.map((s, i) =>
        i >= 70 ? litellmCall({ n: 900 + i, startMs: s.startMs!, input: 1_000, cached: 0, route: '/embed-like' }) : s,
      ),
    ]);
    expect(events).toEqual([]);
  });
});

describe('retry_storm', () => {
  const retry = { retry_storm: { window_ms: 5 * MIN, baseline_window_ms: 30 * MIN, min_requests: 5 } };

  it('reports once when attempts per request climb far above normal', async () => {
    const normal = Array.from({ length: 20 }, (_, i) => proxiedRequest(i + 1, BASE_MS + i * 60_000, 1)).flat();
    const storm = Array.from({ length: 8 }, (_, i) => proxiedRequest(100 + i, BASE_MS + 21 * MIN + i * 20_000, 3)).flat();
    const { events } = await runGrouped(retry, [...normal, ...storm]);
    const storms = events.filter((e) => e.subtype === 'retry_storm');
    expect(storms).toHaveLength(1);
    expect(storms[0].evidence).toMatchObject({ key_kind: 'model', key: 'openai/gpt-4o', baseline: 1, window_ms: 300_000 });
    expect(storms[0].evidence.observed as number).toBeGreaterThanOrEqual(2);
    // The failed attempts are the provider's: rate_limited, recovered by the retry.
    expect(events.filter((e) => e.subtype === 'rate_limited').length).toBe(16);
  });

  it('does not report a retry that recovered once among normal requests', async () => {
    const requests = Array.from({ length: 20 }, (_, i) => proxiedRequest(i + 1, BASE_MS + i * 20_000, i === 10 ? 2 : 1)).flat();
    const { events } = await runGrouped(retry, requests);
    expect(subtypes(events)).toEqual(['provider/rate_limited']);
  });

  /** Sends each client request's spans together (one trace), in time order. */
  async function runGrouped(detectors: Record<string, unknown>, spans: SpanInput[]) {
    const chain = await startChain({ detectors: { cost: detectors }, startMs: BASE_MS });
    const byTrace = new Map<string, SpanInput[]>();
    for (const s of spans) byTrace.set(s.traceId!, [...(byTrace.get(s.traceId!) ?? []), s]);
    for (const group of byTrace.values()) await chain.send(group);
    return chain.finish();
  }
});

describe('agent_loop', () => {
  const loop = { agent_loop: { max_calls_per_trace: 25, max_prompt_repeats: 3 } };
  const inTrace = (trace: number, count: number, prompt: (i: number) => string, first = 0) =>
    Array.from({ length: count }, (_, i) =>
      litellmCall({ n: trace * 100 + i, traceId: traceIdOf(trace, 'c9'), startMs: BASE_MS + first + i * 2_000, prompt: prompt(i) }),
    );

  it('reports a trace making more LLM calls than allowed once, though they arrive over several releases', async () => {
    const { events } = await run(
      { cost: loop },
      inTrace(1, 40, (i) => `step ${i}`),
    );
    expect(subtypes(events)).toEqual(['cost/agent_loop']);
    expect(events[0]).toMatchObject({
      detection_method: 'trace_call_count',
      trace_id: traceIdOf(1, 'c9'),
      input_tokens: 13_000,
      cost_usd: 0.026,
    });
    expect(events[0].evidence).toMatchObject({ key_kind: 'trace', baseline: 25, observed: 26 });
  });

  it('reports the same prompt sent again and again in one trace', async () => {
    const { events } = await run(
      { cost: loop },
      inTrace(2, 5, (i) => (i < 2 ? `plan ${i}` : 'call the search tool again')),
    );
    expect(events.map((e) => `${e.subtype}/${e.detection_method}`)).toEqual(['agent_loop/prompt_repeat']);
    expect(events[0].evidence).toMatchObject({ rule: 'same_prompt', baseline: 3, observed: 3 });
  });

  it('reports an agent asking for the same tool call again and again while its prompt grows', async () => {
    const search = { name: 'search_flights', arguments: '{"from": "OSL", "to": "LIS"}' };
    // Each step's prompt carries the previous tool results, so no prompt repeats; the ask does.
    const steps = Array.from({ length: 7 }, (_, i) =>
      litellmCall({
        n: 700 + i,
        traceId: traceIdOf(7, 'c9'),
        startMs: BASE_MS + i * 2_000,
        prompt: `book a flight; results so far: ${'timeout; '.repeat(i)}`,
        toolCalls: [i % 2 === 0 ? search : { ...search, arguments: '{"from":"OSL","to":"LIS"}' }],
      }),
    );
    const { events } = await run({ cost: { agent_loop: { max_tool_call_repeats: 5 } } }, steps);
    expect(events.map((e) => `${e.subtype}/${e.detection_method}`)).toEqual(['agent_loop/tool_call_repeat']);
    expect(events[0].evidence).toMatchObject({ rule: 'same_tool_call', tool: 'search_flights', baseline: 5, observed: 5, llm_requests: 5 });
    expect(JSON.stringify(events[0].evidence)).not.toContain('OSL'); // arguments can carry user data: never in evidence
  });

  it('does not report an agent using several tools once each, one tool with changing arguments, or one tool call fanned out in parallel', async () => {
    const tools = ['search_flights', 'get_fare_rules', 'get_profile', 'book_offer', 'send_receipt', 'search_flights'];
    const varied = tools.map((name, i) =>
      litellmCall({
        n: 800 + i,
        traceId: traceIdOf(8, 'c9'),
        startMs: BASE_MS + i * 2_000,
        prompt: `step ${i}`,
        toolCalls: [{ name, arguments: `{"step": ${i}}` }],
      }),
    );
    const polling = Array.from({ length: 8 }, (_, i) =>
      litellmCall({
        n: 900 + i,
        traceId: traceIdOf(9, 'c9'),
        startMs: BASE_MS + i * 2_000,
        prompt: `page ${i}`,
        toolCalls: [{ name: 'list_orders', arguments: `{"page": ${i}}` }],
      }),
    );
    // The same tool call asked by calls in flight together (fan-out) is not a loop either.
    const fanOut = Array.from({ length: 8 }, (_, i) =>
      litellmCall({
        n: 950 + i,
        traceId: traceIdOf(10, 'c9'),
        startMs: BASE_MS + i * 100,
        durationMs: 5_000,
        prompt: 'where is order 123?',
        toolCalls: [{ name: 'get_order', arguments: '{"id": "123"}' }],
      }),
    );
    const { events } = await run({ cost: { agent_loop: { max_tool_call_repeats: 5 } } }, [...varied, ...polling, ...fanOut]);
    expect(events).toEqual([]);
  });

  it('does not count the same prompt sent in parallel (sampling several answers) as a loop', async () => {
    const parallel = Array.from({ length: 6 }, (_, i) =>
      litellmCall({ n: 500 + i, traceId: traceIdOf(5, 'c9'), startMs: BASE_MS + i * 100, durationMs: 5_000, prompt: 'write a haiku' }),
    );
    const { events } = await run({ cost: loop }, parallel);
    expect(events).toEqual([]);
  });

  it('does not report a long but bounded agent run, nor a prompt sent twice', async () => {
    const { events } = await run({ cost: loop }, [
      ...inTrace(3, 25, (i) => `step ${i}`),
      ...inTrace(4, 4, (i) => (i % 2 === 0 ? 'same question' : `other ${i}`)),
    ]);
    expect(events).toEqual([]);
  });
});
