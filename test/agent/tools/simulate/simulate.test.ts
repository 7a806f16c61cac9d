import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { normalizeSpan } from '../../../../processors/normalize/index.ts';
import { toSettings } from '../../../../processors/normalize/config.ts';
import { NormalizeConfig } from '../../../../processors/normalize/config.ts';
import { decodeTracesJson } from '../../../../agent/receivers/otlp-wire/decode-json.ts';
import { decodeTracesProtobuf } from '../../../../agent/receivers/otlp-wire/decode-traces-protobuf.ts';
import { encodeTracesJson } from '../../../../agent/receivers/otlp-wire/encode-json.ts';
import { encodeTracesProtobuf } from '../../../../agent/receivers/otlp-wire/encode-traces-protobuf.ts';
import type { LlmCall, RetrievalCall } from '../../../../agent/core/model/llm-call.ts';
import { checkInputTokens } from '../../../../processors/detectors/quality/input-token-check.ts';
import type { OtlpSpan } from '../../../../agent/core/model/otlp.ts';
import { INJECTIONS } from '../../../../agent/tools/simulate/content-bank.ts';
import { generate } from '../../../../agent/tools/simulate/generate.ts';
import { loadBuiltInScenario } from '../../../../agent/tools/simulate/load-scenario.ts';
import { renderSpans } from '../../../../agent/tools/simulate/render.ts';
import { sendSpans } from '../../../../agent/tools/simulate/send-otlp.ts';
import type { Scenario } from '../../../../agent/tools/simulate/scenario-schema.ts';
import { runCli } from '../../../support/cli.ts';
import { makeGenAiSpans } from '../../../support/otlp-fixtures.ts';
import { startReceiver } from '../../receivers/otlp/receiver-under-test.ts';

const short = (name: string, secs = 120): Scenario => ({ ...loadBuiltInScenario(name), duration_secs: secs });
const comparable = (spans: readonly OtlpSpan[]) =>
  spans.map((s) => ({
    ...s,
    resource: s.resource.attributes,
    scope: [s.scope.name, s.scope.version],
    events: s.events.map((e) => ({ ...e })),
  }));
const settings = toSettings(NormalizeConfig.parse({}));

describe('faultline simulate', () => {
  it('gives the same bytes for the same seed, and different bytes for another', async () => {
    const a = await runCli(['simulate', '--scenario', 'provider-outage', '--duration', '90']);
    const b = await runCli(['simulate', '--scenario', 'provider-outage', '--duration', '90']);
    const c = await runCli(['simulate', '--scenario', 'provider-outage', '--duration', '90', '--seed', '12']);
    expect(a.code).toBe(0);
    expect(a.stdout.length).toBeGreaterThan(10_000);
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it('writes protobuf that decodes to the spans it generated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-sim-'));
    const file = join(dir, 'spans.pb');
    expect(
      (await runCli(['simulate', '--scenario', 'anthropic-overload', '--duration', '60', '--format', 'protobuf', '--output', file])).code,
    ).toBe(0);
    const decoded = decodeTracesProtobuf(readFileSync(file)).spans;
    expect(comparable(decoded)).toEqual(comparable(renderSpans(generate(short('anthropic-overload', 60)))));
  });

  it('round-trips through the OTLP receiver over HTTP: every span arrives as generated', async () => {
    const receiver = await startReceiver({ grpc: false });
    try {
      const spans = renderSpans(generate(short('injection-campaign', 150)));
      const sent = await sendSpans(spans, receiver.httpUrl, { speed: null });
      expect(sent.requests).toBeGreaterThan(1);
      expect(comparable(receiver.sink.spans())).toEqual(comparable(spans));
    } finally {
      await receiver.stop();
    }
  });

  it('encodes OTLP the way the official serializer does: official bytes decode, re-encode and decode to the same spans', () => {
    const official = ProtobufTraceSerializer.serializeRequest(makeGenAiSpans(40, { seed: 5 }))!;
    const decoded = decodeTracesProtobuf(official).spans;
    expect(comparable(decodeTracesProtobuf(encodeTracesProtobuf(decoded)).spans)).toEqual(comparable(decoded));
    expect(comparable(decodeTracesJson(JSON.stringify(encodeTracesJson(decoded))).spans)).toEqual(comparable(decoded));
  });

  it('emits the LiteLLM v1 proxy shapes: a SERVER span, one litellm_request per attempt, hidden_params with rate-limit headers, cost and content', () => {
    const spans = renderSpans(
      generate({
        ...short('provider-outage', 200),
        faults: [{ kind: 'error', error: 'outage', at_secs: 0, match: { model: 'gpt-4o' }, share: 1 }],
      }),
    );
    const server = spans.filter((s) => s.name === 'Received Proxy Server Request');
    const attempts = spans.filter((s) => s.name === 'litellm_request');
    expect(server.length).toBeGreaterThan(100);
    expect(server.every((s) => s.kind === 2 && s.scope.name === 'litellm')).toBe(true);
    // num_retries 1: a failed gpt-4o request has two sibling attempts under one SERVER span.
    const failed = attempts.filter((s) => s.status.code === 2);
    const siblings = attempts.filter((s) => s.parentSpanId === failed[0].parentSpanId);
    expect(siblings).toHaveLength(2);
    expect(new Set(siblings.map((s) => s.attributes['litellm.call_id'])).size).toBe(1);
    expect(String(failed.at(-1)!.attributes['error.message'])).toMatch(
      /^litellm\.ServiceUnavailableError: OpenAIException - Service Unavailable/,
    );
    const ok = attempts.find((s) => s.status.code === 1 && s.attributes['gen_ai.request.model'] === 'gpt-4o-mini')!;
    const hidden = JSON.parse(String(ok.attributes.hidden_params));
    expect(hidden.additional_headers.x_ratelimit_remaining_requests).toBeGreaterThan(0);
    expect(ok.attributes['gen_ai.cost.total_cost']).toBeGreaterThan(0);
    const call = normalizeSpan(ok, settings);
    expect(call).toMatchObject({ kind: 'llm', provider: 'openai', outcome: 'ok', source: { vocabulary: 'litellm' } });
    expect(call!.kind === 'llm' && call!.content!.outputText).toBeTruthy();
    expect(call!.kind === 'llm' && call!.rateLimit!.limitRequests).toBe(5000);
  });

  it('emits the v2 engine and plain OTel GenAI shapes when asked', () => {
    const v2 = renderSpans(generate(short('provider-outage', 30)), 'litellm_v2');
    const genai = renderSpans(generate(short('provider-outage', 30)), 'otel_genai');
    const v2Call = v2.find((s) => s.name.startsWith('chat '))!;
    expect(v2Call.kind).toBe(3);
    expect(normalizeSpan(v2Call, settings)).toMatchObject({ kind: 'llm', source: { vocabulary: 'litellm_v2' } });
    expect(v2.some((s) => s.name === 'POST /v1/chat/completions')).toBe(true);
    const genaiCall = genai.find((s) => s.name.startsWith('chat '))!;
    expect(normalizeSpan(genaiCall, settings)).toMatchObject({ kind: 'llm', source: { vocabulary: 'otel_genai' } });
  });

  it('gives RAG requests OpenInference retrieval spans whose documents age once the index goes stale', () => {
    const spans = renderSpans(generate(short('retrieval-drift', 1500)));
    const retrievals = spans.map((s) => normalizeSpan(s, settings)).filter((c): c is RetrievalCall => c?.kind === 'retrieval');
    expect(retrievals.length).toBeGreaterThan(100);
    const age = (c: RetrievalCall) => c.timing.endMs - Math.max(...c.documents.map((d) => d.timestampMs!));
    const topScore = (c: RetrievalCall) => c.documents[0].score!;
    const [first, last] = [retrievals[0], retrievals[retrievals.length - 1]];
    expect(age(first)).toBeLessThan(4 * 86_400_000);
    expect(age(last)).toBeGreaterThan(45 * 86_400_000);
    const meanTop = (cs: readonly RetrievalCall[]) => cs.reduce((a, c) => a + topScore(c), 0) / cs.length;
    expect(meanTop(retrievals.slice(0, 50))).toBeGreaterThan(0.75);
    expect(meanTop(retrievals.slice(-50))).toBeLessThan(0.6);
  });

  it("holds retrieval scores at score_to once a drift's ramp_secs are over", () => {
    const drift = loadBuiltInScenario('retrieval-drift');
    const scenario: Scenario = {
      ...drift,
      duration_secs: 400,
      faults: [{ kind: 'retrieval_drift', at_secs: 60, ramp_secs: 120, score_to: 0.3, embedding_shift: 0, match: {}, share: 1 }],
    };
    const retrievals = renderSpans(generate(scenario))
      .map((s) => normalizeSpan(s, settings))
      .filter((c): c is RetrievalCall => c?.kind === 'retrieval');
    const start = Date.parse(scenario.start);
    const held = retrievals.filter((c) => c.timing.endMs - start > 200_000).map((c) => c.documents[0].score!);
    expect(held.length).toBeGreaterThan(100);
    // Past the ramp the relevant documents sit near 0.3, under the unrelated ones (~0.52).
    expect(held.reduce((a, b) => a + b, 0) / held.length).toBeLessThan(0.6);
  });

  it("writes an online evaluator's faithfulness score as a gen_ai.evaluation.result event: high for normal answers, low for off-topic ones", () => {
    const campaign = loadBuiltInScenario('injection-campaign');
    const spans = renderSpans(generate({ ...campaign, duration_secs: 300 }));
    const scored = spans.flatMap((s) => s.events.filter((e) => e.name === 'gen_ai.evaluation.result').map((e) => ({ span: s, e })));
    expect(scored.length).toBeGreaterThan(20);
    const score = (e: (typeof scored)[number]['e']) => Number(e.attributes['gen_ai.evaluation.score.value']);
    const text = (s: OtlpSpan) => JSON.stringify(s.attributes);
    const offTopic = scored.filter(({ span }) => text(span).includes('unrelated subjects') || text(span).includes('pirates'));
    expect(offTopic.length).toBeGreaterThan(0);
    expect(offTopic.every(({ e }) => score(e) < 0.3)).toBe(true);
    expect(scored.filter((x) => !offTopic.includes(x)).every(({ e }) => score(e) > 0.8)).toBe(true);
    expect(scored.every(({ e }) => e.attributes['gen_ai.evaluation.name'] === 'faithfulness')).toBe(true);
    // Without evaluated_share, no span carries a score.
    expect(
      renderSpans(generate(short('provider-outage', 60))).some((s) => s.events.some((e) => e.name === 'gen_ai.evaluation.result')),
    ).toBe(false);
  });

  it("sends an injection campaign's phrases in turn, the instruction override first, and its guardrail blocks its share of each phrase but never its first sending", () => {
    const campaign = loadBuiltInScenario('injection-campaign');
    for (const seed of [1, 6, 9]) {
      const injected = generate({ ...campaign, seed }).plans.filter((p) => p.faults.length > 0);
      expect(injected.length).toBeGreaterThan(40);
      injected.forEach((p, i) => expect(p.userPrompt.endsWith(`\n\n${INJECTIONS[i % INJECTIONS.length]}`)).toBe(true));
      INJECTIONS.forEach((_, phrase) => {
        const sends = injected.filter((_, i) => i % INJECTIONS.length === phrase);
        const blocked = sends.map((p) => p.guardrail?.intervened === true);
        expect(blocked[0]).toBe(false);
        // guardrail_share 0.25: every fourth sending of the phrase.
        expect(blocked.filter(Boolean).length).toBe(Math.floor(sends.length / 4));
        expect(blocked.every((b, k) => b === (k % 4 === 3))).toBe(true);
      });
    }
  });

  it('reports the input tokens of the prompt it captured (system prompt, retrieved context, user turn), in every engine', () => {
    for (const engine of ['litellm', 'litellm_v2', 'otel_genai'] as const) {
      const base = loadBuiltInScenario('model-update-hallucination');
      const calls = renderSpans(generate({ ...base, duration_secs: 90, traffic: { ...base.traffic, engine, rag_share: 0.5 } }))
        .map((s) => normalizeSpan(s, settings))
        .filter((c): c is LlmCall => c?.kind === 'llm' && c.outcome === 'ok' && c.content !== null);
      expect(calls.length).toBeGreaterThan(50);
      // The quality checks note a report more than 15 % above their prediction; none here.
      expect(calls.filter((c) => checkInputTokens(c.content, c.tokens.input, 0.15) !== null)).toEqual([]);
      expect(Math.min(...calls.map((c) => c.tokens.input!))).toBeGreaterThan(300);
    }
  });

  it('lists the built-in scenarios and the price table', async () => {
    const { code, stdout } = await runCli(['simulate', '--list']);
    expect(stdout).toMatch(/provider-outage\s+chaos\s+Provider outage/);
    expect(stdout).toMatch(/claude-sonnet-4-5\s+anthropic\s+in \$3/);
    expect(code).toBe(0);
  });

  it('says what is wrong with a bad option', async () => {
    const { code, stderr } = await runCli(['simulate', '--scenario', 'provider-outage', '--engine', 'v3']);
    expect(stderr).toContain('--engine must be one of litellm, litellm_v2, otel_genai, got "v3"');
    expect(code).toBe(1);
  });
});

describe('faultline simulate --target', () => {
  it('streams a scenario to a running receiver and reports what it sent', async () => {
    const receiver = await startReceiver({ grpc: false });
    try {
      const { code, stderr } = await runCli([
        'simulate',
        '--scenario',
        'gemini-safety-blocks',
        '--duration',
        '60',
        '--target',
        receiver.httpUrl,
      ]);
      expect(stderr).toMatch(/gemini-safety-blocks: (\d+) spans \(\d+ requests\) in \d+ requests to http:\/\/127\.0\.0\.1:\d+/);
      const sentSpans = Number(/: (\d+) spans/.exec(stderr)![1]);
      expect(receiver.sink.spans()).toHaveLength(sentSpans);
      expect(code).toBe(0);
    } finally {
      await receiver.stop();
    }
  });

  it('fails with exit 3 and a clear message when nothing listens', async () => {
    const { code, stderr } = await runCli([
      'simulate',
      '--scenario',
      'provider-outage',
      '--duration',
      '10',
      '--target',
      'http://127.0.0.1:1',
    ]);
    expect(stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:1\/v1\/traces .*is the agent running\?/);
    expect(code).toBe(3);
  });
});
