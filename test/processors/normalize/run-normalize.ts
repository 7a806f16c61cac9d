// Runs the normalize processor the way the pipeline builds it: config parsed by its own schema,
// created through the factory with a minimal context.
import normalize from '../../../processors/normalize/index.ts';
import { createBatch, type Batch } from '../../../agent/core/model/batch.ts';
import { TelemetryItem, type LlmCall } from '../../../agent/core/model/llm-call.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { logRecord, span, type LogInput, type SpanInput } from '../../support/span-builder.ts';

export async function createNormalize(settings: Record<string, unknown> = {}) {
  const config = normalize.configSchema.parse(settings);
  return normalize.create(config, makeProcessorContext({ id: 'normalize' }));
}

export async function runNormalize(spans: SpanInput[], logs: LogInput[] = [], settings: Record<string, unknown> = {}): Promise<Batch> {
  const processor = await createNormalize(settings);
  return processor.process(createBatch({ spans: spans.map(span), logs: logs.map(logRecord) }));
}

/** The single item one span normalizes to, validated against the shared schema. */
export async function normalizeOne(input: SpanInput, settings: Record<string, unknown> = {}): Promise<TelemetryItem> {
  const out = await runNormalize([input], [], settings);
  if (out.calls.length !== 1) throw new Error(`expected one item, got ${out.calls.length}`);
  return TelemetryItem.parse(out.calls[0]);
}

export async function normalizeLlm(input: SpanInput, settings: Record<string, unknown> = {}): Promise<LlmCall> {
  const item = await normalizeOne(input, settings);
  if (item.kind !== 'llm') throw new Error(`expected an llm item, got ${item.kind}`);
  return item;
}
