// `npm run bench cost-data`: per-item cost of the cost and data detectors (the bounded windows the
// detectors processor runs inline), on realistic items: LLM calls with captured prompts across
// 200 teams/routes with budgets configured, retrievals of 5 scored and dated documents, and
// 1536-dimension embeddings. It measures and prints; it does not assert.
import type { EmbeddingCall, LlmCall, RetrievalCall } from '../../agent/core/model/llm-call.ts';
import { CostConfig } from '../../processors/detectors/cost/config.ts';
import { createCostDetectors } from '../../processors/detectors/cost/detect-cost.ts';
import { DataConfig } from '../../processors/detectors/data/config.ts';
import { createDataDetectors } from '../../processors/detectors/data/detect-data.ts';
import { llmCall } from '../support/llm-call-builder.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const T0 = 1_767_225_600_000;

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Items per second, median of ROUNDS rounds of SECONDS each; `observe(i)` handles item i. */
function rate(observe: (i: number) => void): { median: number; all: number[] } {
  for (let i = 0; i < 20_000; i++) observe(i); // warm-up (and fills windows)
  const all: number[] = [];
  let i = 20_000;
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    const deadline = start + SECONDS * 1000;
    let n = 0;
    while (performance.now() < deadline) {
      for (let k = 0; k < 256; k++) observe(i++);
      n += 256;
    }
    all.push(n / ((performance.now() - start) / 1000));
  }
  const sorted = [...all].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], all };
}

const fmt = (x: number) => `${Math.round(x / 1000)}k/s`;
const report = (name: string, r: { median: number; all: number[] }) =>
  log(`  ${name.padEnd(44)} ${fmt(r.median).padStart(9)}   (rounds ${r.all.map(fmt).join(', ')})`);

// ~20 calls per ms of event time: 20k calls/s of traffic.
const calls: LlmCall[] = Array.from({ length: 4_096 }, (_, i) => {
  const c = llmCall({
    spanId: i.toString(16).padStart(16, '0'),
    traceId: (i % 512).toString(16).padStart(32, '0'),
    model: i % 3 === 0 ? 'gpt-4o' : 'gpt-4o-mini',
  });
  const prompt = `You are a support assistant. Ticket ${i % 97}: ${'the customer asks about a refund for an order that arrived damaged. '.repeat(20)}`;
  return {
    ...c,
    identity: {
      ...c.identity,
      team: `team-${i % 200}`,
      route: `/v1/route-${i % 20}`,
      user: `user-${i % 1_000}`,
      tags: i % 10 === 0 ? ['batch:nightly'] : [],
    },
    tokens: {
      input: 1_200 + (i % 300),
      output: 200,
      total: 1_400 + (i % 300),
      reasoning: i % 4 === 0 ? 120 : 0,
      cacheRead: 800,
      cacheWrite: 0,
    },
    content: {
      systemPrompt: 'Answer politely.',
      inputMessages: [{ role: 'user', parts: [{ type: 'text', content: prompt, name: null }], finishReason: null }],
      outputMessages: [],
      outputText: 'ok',
      responseFormat: null,
    },
  };
});
const withTime = <T extends { timing: LlmCall['timing'] }>(item: T, i: number): T => ({
  ...item,
  timing: { ...item.timing, startMs: T0 + i / 20 - 500, endMs: T0 + i / 20 },
});

const cost = createCostDetectors(
  CostConfig.parse({
    budgets: [
      { scope: 'team', window_ms: 86_400_000, budget_usd: 1e9 },
      { scope: 'user', window_ms: 3_600_000, budget_usd: 1e9 },
    ],
    batches: [{ tag_prefix: 'batch:', budget_usd: 1e9 }],
  }),
);

const retrievals: RetrievalCall[] = Array.from({ length: 1_024 }, (_, i) => {
  const c = llmCall({ spanId: i.toString(16).padStart(16, '0') });
  return {
    kind: 'retrieval',
    source: c.source,
    resource: c.resource,
    timing: c.timing,
    outcome: 'ok',
    error: null,
    identity: c.identity,
    signals: [],
    dataSource: `collection-${i % 10}`,
    query: null,
    documents: Array.from({ length: 5 }, (_, k) => ({
      id: `d${k}`,
      score: 0.9 - k * 0.05 - (i % 7) * 0.01,
      content: null,
      timestampMs: T0 - (k + 1) * 86_400_000,
    })),
  };
});
const embeddings: EmbeddingCall[] = Array.from({ length: 256 }, (_, i) => {
  const c = llmCall({ spanId: i.toString(16).padStart(16, '0') });
  return {
    kind: 'embedding',
    source: c.source,
    resource: c.resource,
    timing: c.timing,
    outcome: 'ok',
    error: null,
    identity: c.identity,
    signals: [],
    provider: 'openai',
    requestModel: 'text-embedding-3-small',
    inputTokens: 8,
    dimensions: 1536,
    vectors: [Array.from({ length: 1536 }, (_, k) => Math.sin(i * 31 + k))],
  };
});
const data = createDataDetectors(DataConfig.parse({}), T0);

log('Cost and data detectors, one thread, items handled per second (median of rounds):');
report(
  'cost: LLM call (budgets, batch, spike, cache, retry, loop)',
  rate((i) => void cost.observe(withTime(calls[i % calls.length], i))),
);
report(
  'data: retrieval, 5 documents (drift + staleness)',
  rate((i) => void data.observe(withTime(retrievals[i % retrievals.length], i))),
);
report(
  'data: embedding, one 1536-d vector',
  rate((i) => void data.observe(withTime(embeddings[i % embeddings.length], i))),
);
