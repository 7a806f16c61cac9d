// Window-level findings: a signal that carries `window` (no single span is its source) becomes an
// event with a window failure id, no span id and the window's member spans.
import { describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import { FailureEvent, failureIdForSpan, failureIdForWindow } from '../../../agent/core/model/failure-event.ts';
import type { IngestionRun } from '../../../agent/core/model/llm-call.ts';
import classifier from '../../../processors/classifier/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { llmCall } from '../../support/llm-call-builder.ts';
import { signal } from './signals.ts';

const base = llmCall({ spanId: '1'.repeat(16), traceId: 'c'.repeat(32), startMs: 1_000, endMs: 5_000 });
const run = (traceId: string, spanId: string, window: boolean): IngestionRun => ({
  kind: 'ingestion',
  source: { ...base.source, traceId, spanId },
  resource: base.resource,
  timing: base.timing,
  outcome: 'error',
  error: null,
  identity: base.identity,
  signals: [
    signal('data', 'ingestion_failure', {
      detection_method: 'run_overdue',
      fields: { collection: 'docs' },
      ...(window ? { window: { scope: 'ingestion/docs', start_ms: 1_000, member_spans: ['2'.repeat(16)] } } : {}),
    }),
  ],
  dataSource: 'docs',
  documentsProcessed: null,
  documentsFailed: null,
});

async function classifyOne(item: IngestionRun): Promise<FailureEvent> {
  const processor = await classifier.create(classifier.configSchema.parse({}), makeProcessorContext());
  const out = await processor.process(createBatch({ calls: [item] }));
  expect(out.events).toHaveLength(1);
  return FailureEvent.parse(out.events[0]);
}

describe('classifier: window-level events', () => {
  it('gives a window signal on a spanless item a window id, no trace or span id, and its member spans', async () => {
    const e = await classifyOne(run('', '', true));
    expect(e).toMatchObject({
      failure_id: failureIdForWindow('data', 'ingestion_failure', 'ingestion/docs', 1_000),
      trace_id: null,
      span_id: null,
      member_spans: ['2'.repeat(16)],
      collection: 'docs',
      timestamp: new Date(5_000).toISOString(),
    });
  });

  it('keeps the trace id when a window signal rides on a real span, and leaves span-level events alone', async () => {
    expect(await classifyOne(run('c'.repeat(32), '3'.repeat(16), true))).toMatchObject({ trace_id: 'c'.repeat(32), span_id: null });
    expect(await classifyOne(run('c'.repeat(32), '3'.repeat(16), false))).toMatchObject({
      failure_id: failureIdForSpan('c'.repeat(32), '3'.repeat(16), 'data', 'ingestion_failure'),
      span_id: '3'.repeat(16),
      member_spans: [],
    });
  });
});

describe("classifier: a window signal beside a call's own signals", () => {
  it('gives the call its own event from its span-level signals and the window signal an event of its own', async () => {
    const window = { scope: 'quality/openai/gpt-4o', start_ms: 2_000, member_spans: ['1'.repeat(16)] };
    const call = {
      ...base,
      signals: [
        signal('quality', 'hallucination', { detection_method: 'grounding', confidence: 0.95, fields: { confidence: 0.95 } }),
        signal('quality', 'regression', {
          detection_method: 'response_model_change',
          confidence: 0.9,
          fields: { confidence: 0.9 },
          window,
        }),
      ],
    };
    const processor = await classifier.create(classifier.configSchema.parse({}), makeProcessorContext());
    const out = await processor.process(createBatch({ calls: [call] }));
    const events = out.events.map((e) => FailureEvent.parse(e));
    expect(events.map((e) => e.subtype)).toEqual(['hallucination', 'regression']);
    // Neither hides the other: the call's event lists no regression, the window event no hallucination.
    expect(events[0]).toMatchObject({ span_id: '1'.repeat(16), secondary: [] });
    expect(events[1]).toMatchObject({
      failure_id: failureIdForWindow('quality', 'regression', 'quality/openai/gpt-4o', 2_000),
      span_id: null,
      trace_id: 'c'.repeat(32),
      member_spans: ['1'.repeat(16)],
      secondary: [],
    });
  });
});
