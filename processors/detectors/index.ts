// detectors: judges each normalized item against the provider-family, gateway, generic and
// latency rules and attaches what it finds as Signals. Expects normalize and trace_assembler
// upstream; emits the same calls, those that matched replaced by copies with `signals` added.
import { defineProcessor } from '../../agent/component.ts';
import { createBatch } from '../../agent/model/batch.ts';
import type { TelemetryItem } from '../../agent/model/llm-call.ts';
import { DetectorsConfig, toSettings } from './config.ts';
import { detectItem } from './detect.ts';
import { createLatencyWindow } from './latency.ts';

export default defineProcessor({
  type: 'detectors',
  description: 'Attaches failure signals to calls: provider-family, gateway and generic error rules, safety finishes, rate-limit headroom, latency SLAs.',
  configSchema: DetectorsConfig,
  create(config) {
    const settings = toSettings(config);
    const latency = config.families.latency ? createLatencyWindow(config.latency) : null;
    return {
      process(batch) {
        const calls = batch.calls.map((item): TelemetryItem => {
          const found = detectItem(item, settings);
          if (latency !== null && item.kind === 'llm') {
            const slow = latency.observe(item);
            if (slow !== null) found.push(slow);
          }
          return found.length === 0 ? item : ({ ...item, signals: [...item.signals, ...found] } as TelemetryItem);
        });
        return createBatch({ ...batch, calls });
      },
    };
  },
});
