import { describe, expect, it } from 'vitest';
import pino from 'pino';
import traceAssembler from '../../../processors/trace-assembler/index.ts';
import { createManualTime } from '../../../agent/core/clock.ts';
import { createBatch, type Batch } from '../../../agent/core/model/batch.ts';
import { LlmCall, TelemetryItem, type ContentEvent } from '../../../agent/core/model/llm-call.ts';
import { gatewayRequest, llmCall } from '../../support/llm-call-builder.ts';
import { deepFreeze } from '../../support/deep-freeze.ts';
import { makeServices } from '../../support/component-context.ts';

async function setup(settings: Record<string, unknown> = {}) {
  const time = createManualTime(10_000);
  const emitted: Batch[] = [];
  const config = traceAssembler.configSchema.parse(settings);
  const processor = await traceAssembler.create(config, {
    id: 'trace_assembler',
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
    emit: async (b) => {
      emitted.push(b);
    },
  });
  await processor.start?.();
  const emittedCalls = () => emitted.flatMap((b) => b.calls);
  return { time, processor, emitted, emittedCalls };
}

const T1 = '1'.repeat(32);
const T2 = '2'.repeat(32);

describe('trace_assembler', () => {
  it('holds a trace until it has been quiet for wait_ms of clock time', async () => {
    const { time, processor, emittedCalls } = await setup({ wait_ms: 2_000 });
    const out = await processor.process(createBatch({ calls: [llmCall({ traceId: T1, spanId: 'a1'.padEnd(16, '0') })] }));
    expect(out.calls).toHaveLength(0);
    await time.advanceTo(11_900);
    expect(emittedCalls()).toHaveLength(0);
    await time.advanceTo(12_250);
    expect(emittedCalls().map((c) => c.source.spanId)).toEqual(['a1'.padEnd(16, '0')]);
  });

  it('releases the attempts of one request together, with the later arrival restarting the wait', async () => {
    const { time, processor, emitted } = await setup({ wait_ms: 2_000 });
    await processor.process(createBatch({ calls: [llmCall({ traceId: T1, spanId: '1'.repeat(16), parentSpanId: 'f'.repeat(16) })] }));
    await time.advanceTo(11_500);
    await processor.process(createBatch({ calls: [gatewayRequest({ traceId: T1, spanId: 'f'.repeat(16) })] }));
    await time.advanceTo(12_100);
    expect(emitted).toHaveLength(0);
    await time.advanceTo(13_600);
    expect(emitted).toHaveLength(1);
    expect(emitted[0].calls.map((c) => c.kind).sort()).toEqual(['gateway_request', 'llm']);
  });

  it('marks a failed attempt as recovered by the fallback that succeeded', async () => {
    const { time, processor, emittedCalls } = await setup();
    const gw = 'f'.repeat(16);
    await processor.process(
      createBatch({
        calls: [
          llmCall({ traceId: T1, spanId: '1'.repeat(16), parentSpanId: gw, startMs: 1_000, outcome: 'error', model: 'gpt-4o' }),
          llmCall({ traceId: T1, spanId: '2'.repeat(16), parentSpanId: gw, startMs: 2_000, outcome: 'ok', model: 'gpt-4o-mini' }),
          gatewayRequest({ traceId: T1, spanId: gw, outcome: 'ok' }),
        ],
      }),
    );
    await time.advanceTo(20_000);
    const calls = emittedCalls().filter((c): c is LlmCall => c.kind === 'llm');
    const failed = calls.find((c) => c.outcome === 'error')!;
    expect(failed.attempt).toEqual({
      number: 1,
      of: 2,
      requestOutcome: 'ok',
      recoveredBy: '2'.repeat(16),
      recoveredByModel: 'gpt-4o-mini',
    });
    expect(calls.find((c) => c.outcome === 'ok')!.attempt).toMatchObject({ number: 2, of: 2, recoveredBy: null });
    for (const c of emittedCalls()) TelemetryItem.parse(c);
  });

  it('leaves sibling calls of an application span unmarked, since they are separate requests', async () => {
    const { time, processor, emittedCalls } = await setup();
    await processor.process(
      createBatch({
        calls: [
          llmCall({ traceId: T1, spanId: '1'.repeat(16), parentSpanId: 'e'.repeat(16), outcome: 'error' }),
          llmCall({ traceId: T1, spanId: '2'.repeat(16), parentSpanId: 'e'.repeat(16), outcome: 'ok' }),
        ],
      }),
    );
    await time.advanceTo(20_000);
    expect(emittedCalls().map((c) => (c as LlmCall).attempt ?? null)).toEqual([null, null]);
  });

  it('joins content from log records to the call with the same span id', async () => {
    const { time, processor, emittedCalls, emitted } = await setup();
    const event: ContentEvent = {
      traceId: T1,
      spanId: '1'.repeat(16),
      timeMs: 1_200,
      eventName: 'gen_ai.choice',
      systemPrompt: null,
      inputMessages: [],
      outputMessages: [{ role: 'assistant', parts: [{ type: 'text', content: 'Paris.', name: null }], finishReason: 'stop' }],
    };
    const orphan = { ...event, spanId: '9'.repeat(16) };
    await processor.process(createBatch({ calls: [llmCall({ traceId: T1, spanId: '1'.repeat(16) })], content: [event, orphan] }));
    await time.advanceTo(20_000);
    const call = emittedCalls()[0] as LlmCall;
    expect(call.content?.outputText).toBe('Paris.');
    expect(call.content?.outputMessages[0].finishReason).toBe('stop');
    // Content for a span that never arrived goes on unjoined rather than vanishing.
    expect(emitted.flatMap((b) => b.content).map((e) => e.spanId)).toEqual(['9'.repeat(16)]);
  });

  it('releases the oldest trace early when max_traces is reached, dropping nothing', async () => {
    const { processor } = await setup({ max_traces: 1 });
    const first = await processor.process(createBatch({ calls: [llmCall({ traceId: T1, spanId: '1'.repeat(16) })] }));
    expect(first.calls).toHaveLength(0);
    const second = await processor.process(createBatch({ calls: [llmCall({ traceId: T2, spanId: '2'.repeat(16) })] }));
    expect(second.calls.map((c) => c.source.traceId)).toEqual([T1]);
  });

  it('releases held traces in batches of at most max_batch_items, never splitting a trace', async () => {
    const { time, processor, emitted } = await setup({ wait_ms: 2_000, max_batch_items: 3 });
    const traces = ['3', '4', '5'].map((d) => d.repeat(32));
    for (const traceId of traces) {
      await processor.process(
        createBatch({
          calls: [llmCall({ traceId, spanId: `${traceId.slice(0, 15)}1` }), llmCall({ traceId, spanId: `${traceId.slice(0, 15)}2` })],
        }),
      );
    }
    await time.advanceTo(12_250);
    expect(emitted.map((b) => b.calls.map((c) => c.source.traceId))).toEqual(traces.map((t) => [t, t]));
  });

  it('flushes every held trace on shutdown, and a second shutdown does nothing', async () => {
    const { processor, emittedCalls } = await setup();
    await processor.process(
      createBatch({ calls: [llmCall({ traceId: T1, spanId: '1'.repeat(16) }), llmCall({ traceId: T2, spanId: '2'.repeat(16) })] }),
    );
    await processor.shutdown?.();
    await processor.shutdown?.();
    expect(emittedCalls()).toHaveLength(2);
  });

  it('does not mutate its input batch', async () => {
    const { processor } = await setup({ max_traces: 1 });
    const batch = createBatch({
      calls: [llmCall({ traceId: T1, spanId: '1'.repeat(16) }), llmCall({ traceId: T2, spanId: '2'.repeat(16) })],
    });
    const snapshot = structuredClone(batch);
    deepFreeze(batch);
    await processor.process(batch);
    expect(batch).toEqual(snapshot);
  });

  it('rejects a wait given as a duration string, naming the unit', () => {
    const r = traceAssembler.configSchema.safeParse({ wait_ms: '30s' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].message).toBe('expected a positive integer (milliseconds)');
  });
});
