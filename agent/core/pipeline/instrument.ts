// Wraps components so the pipeline counts items in/out, errors and time per component id.
import type { Exporter, Processor } from '../component.ts';
import { countItems, type Batch } from '../model/batch.ts';
import type { ComponentStats } from './stats.ts';

export interface ProcessorRun {
  /** Part of a batch already counted in (failure isolation): its items are not counted in again. */
  retry?: boolean;
  /** The caller recovers from a throw (it retries the batch in parts), so the throw is not an error yet. */
  recoverable?: boolean;
}

export async function runProcessor(processor: Processor, stats: ComponentStats, batch: Batch, run: ProcessorRun = {}): Promise<Batch> {
  const started = performance.now();
  stats.calls++;
  if (!run.retry) stats.itemsIn += countItems(batch);
  try {
    const out = await processor.process(batch);
    stats.itemsOut += countItems(out);
    return out;
  } catch (err) {
    if (!run.recoverable) stats.errors++;
    throw err;
  } finally {
    stats.durationMs += performance.now() - started;
  }
}

export async function runExporter(exporter: Exporter, stats: ComponentStats, batch: Batch): Promise<void> {
  const started = performance.now();
  stats.calls++;
  const n = countItems(batch);
  stats.itemsIn += n;
  try {
    await exporter.export(batch);
    stats.itemsOut += n;
  } catch (err) {
    stats.errors++;
    throw err;
  } finally {
    stats.durationMs += performance.now() - started;
  }
}
