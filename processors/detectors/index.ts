// detectors: judges each normalized item against the provider-family, gateway, generic, latency,
// security and quality rules and attaches what it finds as Signals. Expects normalize and trace_assembler
// upstream; emits the same calls, those that matched replaced by copies with `signals` added.
import { defineProcessor } from '../../agent/component.ts';
import { createBatch } from '../../agent/model/batch.ts';
import type { TelemetryItem } from '../../agent/model/llm-call.ts';
import { DetectorsConfig, toSettings } from './config.ts';
import { detectItem } from './detect.ts';
import { createLatencyWindow } from './latency.ts';
import { createQualityStage } from './quality/quality-stage.ts';

export default defineProcessor({
  type: 'detectors',
  description: 'Attaches failure signals to calls: provider-family, gateway and generic error rules, safety finishes, rate-limit headroom, latency SLAs.',
  configSchema: DetectorsConfig,
  create(config, ctx) {
    const settings = toSettings(config);
    const latency = config.families.latency ? createLatencyWindow(config.latency) : null;
    const quality = config.quality.enabled ? createQualityStage(config.quality, ctx) : null;
    return {
      process(batch) {
        const q = quality?.begin(batch.calls) ?? null;
        const calls = batch.calls.map((item, i): TelemetryItem => {
          const found = detectItem(item, settings);
          if (latency !== null && item.kind === 'llm') {
            const slow = latency.observe(item);
            if (slow !== null) found.push(slow);
          }
          if (q !== null && item.kind === 'llm') q.inspect(i, item, found);
          return found.length === 0 ? item : ({ ...item, signals: [...item.signals, ...found] } as TelemetryItem);
        });
        // Expensive quality checks (worker threads, bounded by a time budget) finish the batch.
        const pending = q?.finish(calls) ?? null;
        return pending === null ? createBatch({ ...batch, calls }) : pending.then(() => createBatch({ ...batch, calls }));
      },
      start: async () => quality?.start(),
      shutdown: async () => quality?.shutdown(),
    };
  },
});
