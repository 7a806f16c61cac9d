// Runs spans through normalize and then the detectors processor, both built through their
// factories the way the pipeline builds them, and returns the items with their signals.
import detectors from '../../../processors/detectors/index.ts';
import type { ProcessorContext } from '../../../agent/core/component.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { TelemetryItem } from '../../../agent/core/model/llm-call.ts';
import type { Signal } from '../../../agent/core/model/signal.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import type { SpanInput } from '../../support/span-builder.ts';
import { runNormalize } from '../normalize/run-normalize.ts';

export async function createDetectors(settings: Record<string, unknown> = {}, ctx: Partial<ProcessorContext> = {}) {
  return detectors.create(detectors.configSchema.parse(settings), makeProcessorContext({ id: 'detectors', ...ctx }));
}

export async function detectItems(spans: SpanInput[], settings: Record<string, unknown> = {}): Promise<TelemetryItem[]> {
  const normalized = await runNormalize(spans);
  const processor = await createDetectors(settings);
  const out = await processor.process(createBatch({ calls: normalized.calls }));
  return [...out.calls];
}

/** The signals of the single item one span normalizes to. */
export async function signalsOf(input: SpanInput, settings: Record<string, unknown> = {}): Promise<Signal[]> {
  const items = await detectItems([input], settings);
  if (items.length !== 1) throw new Error(`expected one item, got ${items.length}`);
  return items[0].signals;
}

/** What a test usually asserts: category/subtype/detection_method of each signal. */
export const kinds = (signals: readonly Signal[]): string[] => signals.map((s) => `${s.category}/${s.subtype}/${s.detection_method}`);
