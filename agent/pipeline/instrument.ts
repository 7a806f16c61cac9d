// Wraps components so the pipeline counts items in/out, errors and time per component id.
import type { Logger } from 'pino';
import type { Exporter, Processor } from '../component.ts';
import { countItems, type Batch } from '../model/batch.ts';
import type { ComponentStats } from './stats.ts';

export async function runProcessor(processor: Processor, stats: ComponentStats, batch: Batch): Promise<Batch> {
  const started = performance.now();
  stats.calls++;
  stats.itemsIn += countItems(batch);
  try {
    const out = await processor.process(batch);
    stats.itemsOut += countItems(out);
    return out;
  } catch (err) {
    stats.errors++;
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

/** Logs at most one warning per interval per key, with a count of what was suppressed. */
export function createSampledWarn(logger: Logger, intervalMs = 10_000): (key: string, err: unknown, msg: string) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (key, err, msg) => {
    const now = performance.now();
    const entry = last.get(key);
    if (entry && now - entry.at < intervalMs) {
      entry.suppressed++;
      return;
    }
    logger.warn({ err, component: key, suppressed: entry?.suppressed ?? 0 }, msg);
    last.set(key, { at: now, suppressed: 0 });
  };
}
