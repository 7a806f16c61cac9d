import { describe, expect, it } from 'vitest';
import normalize from '../../../processors/normalize/index.ts';
import { createBatch, type Batch } from '../../../agent/core/model/batch.ts';
import { ContentEvent, LlmCall } from '../../../agent/core/model/llm-call.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { llmCall } from '../../support/llm-call-builder.ts';
import { logRecord, span } from '../../support/span-builder.ts';
import { e1Success, proxyServerSuccess, scenarios as litellm } from '../../fixtures/spans/litellm-v1.ts';
import { scenarios as otel } from '../../fixtures/spans/otel-genai.ts';
import { jsChatEvents } from '../../fixtures/spans/log-records.ts';
import { nonGenAiSpans } from '../../fixtures/spans/non-genai.ts';
import { createNormalize, normalizeLlm, runNormalize } from './run-normalize.ts';
import { deepFreeze } from '../../support/deep-freeze.ts';

describe('normalize', () => {
  it('has defaults for every setting', () => {
    expect(normalize.configSchema.parse({})).toEqual({
      capture_content: true,
      max_content_chars: 32_768,
      provider_aliases: {},
      ingestion_span_names: [],
    });
  });

  it('rejects a non-positive content limit', () => {
    expect(normalize.configSchema.safeParse({ max_content_chars: 0 }).success).toBe(false);
  });

  it('empties the span and log lanes and keeps incoming calls and content first', async () => {
    const processor = await createNormalize();
    const earlier = llmCall({ spanId: 'ffffffffffffffff' });
    const earlierContent: ContentEvent = {
      traceId: 't',
      spanId: 's',
      timeMs: 0,
      eventName: 'gen_ai.user.message',
      systemPrompt: null,
      inputMessages: [],
      outputMessages: [],
    };
    const out = await processor.process(
      createBatch({ spans: [span(e1Success.input)], logs: [logRecord(jsChatEvents[1])], calls: [earlier], content: [earlierContent] }),
    );
    expect(out.spans).toEqual([]);
    expect(out.logs).toEqual([]);
    expect(out.calls[0]).toBe(earlier);
    expect(out.calls).toHaveLength(2);
    expect(out.content[0]).toBe(earlierContent);
    expect(out.content).toHaveLength(2);
  });

  it('does not mutate a deep-frozen input batch', async () => {
    const processor = await createNormalize();
    const spans = [...Object.values(litellm), ...Object.values(otel)].map((s) => span(s.input));
    const batch: Batch = deepFreeze(createBatch({ spans, logs: jsChatEvents.map(logRecord) }));
    const out = await processor.process(batch);
    expect(out).not.toBe(batch);
    expect(out.calls).toHaveLength(12);
    expect(batch.spans).toHaveLength(12);
  });

  it('produces nothing for spans that are not GenAI calls', async () => {
    const out = await runNormalize(nonGenAiSpans);
    expect(out.calls).toEqual([]);
  });

  it('passes over a span it cannot read instead of throwing', async () => {
    const processor = await createNormalize();
    const broken = span(e1Success.input);
    Object.defineProperty(broken, 'attributes', {
      get: () => {
        throw new Error('corrupt');
      },
    });
    const out = await processor.process(createBatch({ spans: [broken, span(proxyServerSuccess)] }));
    expect(out.calls.map((c) => c.kind)).toEqual(['gateway_request']);
  });

  it('leaves content null when capture_content is false', async () => {
    const call = await normalizeLlm(e1Success.input, { capture_content: false });
    expect(call.content).toBeNull();
    expect(call.finishReasons).toEqual(['stop']);
    const out = await runNormalize([], jsChatEvents, { capture_content: false });
    expect(out.content).toEqual([]);
  });

  it('truncates each text field to max_content_chars', async () => {
    const long = 'x'.repeat(100);
    const input = {
      ...e1Success.input,
      attributes: {
        ...e1Success.input.attributes,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: long }] }]),
      },
    };
    const call = await normalizeLlm(input, { max_content_chars: 10 });
    expect(call.content?.inputMessages[0].parts[0].content).toBe('x'.repeat(10));
  });

  it('applies configured provider aliases on top of the built-in ones', async () => {
    const input = { ...e1Success.input, attributes: { ...e1Success.input.attributes, 'gen_ai.system': 'my_openai_proxy' } };
    const call = await normalizeLlm(input, { provider_aliases: { My_OpenAI_Proxy: 'openai' } });
    expect(call.provider).toBe('openai');
    expect(call.providerRaw).toBe('my_openai_proxy');
  });

  it('reports the provider as unknown when no key names one', async () => {
    const call = await normalizeLlm({ name: 'llm', attributes: { 'gen_ai.request.model': 'mystery-1' } });
    expect(call.provider).toBe('unknown');
    expect(call.providerRaw).toBeNull();
    expect(call.source.vocabulary).toBe('unknown');
  });

  it('converts nanosecond times to fractional milliseconds and never reports a negative duration', async () => {
    const s = span({ attributes: { 'gen_ai.system': 'openai' } });
    const call = LlmCall.parse(
      (
        await (
          await createNormalize()
        ).process(
          createBatch({ spans: [{ ...s, startTimeUnixNano: 1_767_225_600_000_123_456n, endTimeUnixNano: 1_767_225_600_000_000_000n }] }),
        )
      ).calls[0],
    );
    expect(call.timing.startMs).toBe(1_767_225_600_000.123);
    expect(call.timing.durationMs).toBe(0);
  });

  it('reads counts sent as strings or bigints', async () => {
    const call = await normalizeLlm({
      attributes: { 'gen_ai.system': 'openai', 'gen_ai.usage.input_tokens': '12', 'gen_ai.usage.output_tokens': 9n },
    });
    expect(call.tokens).toMatchObject({ input: 12, output: 9, total: 21 });
  });

  it('is built through its factory with a minimal context', async () => {
    const processor = await normalize.create(normalize.configSchema.parse({}), makeProcessorContext());
    const out = await processor.process(createBatch());
    expect(out).toEqual(createBatch());
  });
});
