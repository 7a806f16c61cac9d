// Offline runs (classify, replay) tell every component so through ctx.mode, instead of rewriting
// any component's configuration; the agent itself runs live.
import pino from 'pino';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import { defineProcessor, type RunMode } from '../../../agent/core/component.ts';
import { buildPipelines } from '../../../agent/core/pipeline/build.ts';
import { runOffline } from '../../../agent/tools/offline.ts';
import { registry } from '../../../agent/registry.ts';
import { parseConfig } from '../../../config/load.ts';

const seen: RunMode[] = [];
const probe = defineProcessor({
  type: 'mode_probe',
  description: 'Records the mode it was built in.',
  configSchema: z.strictObject({}),
  create: (_config, ctx) => {
    seen.push(ctx.mode);
    return { process: (batch) => batch };
  },
});

const config = parseConfig(
  `
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } } }
processors: { mode_probe: {}, detectors: { quality: { workers: { threads: 2 } } } }
exporters: { ndjson: {} }
service: { pipelines: { main: { receivers: [otlp], processors: [mode_probe, detectors], exporters: [ndjson] } } }
`,
  [...registry, probe],
);

describe('the run mode', () => {
  it('is offline for every component of an offline run, and the configuration is left as written', async () => {
    seen.length = 0;
    await runOffline([], [], config);
    expect(seen).toEqual(['offline']);
    const detectors = [...config.components.values()].find((c) => c.id === 'detectors')!;
    expect((detectors.config as { quality: { workers: { threads: number } } }).quality.workers.threads).toBe(2);
  });

  it('is live for the agent', async () => {
    seen.length = 0;
    const time = createManualTime(0);
    const pipelines = await buildPipelines(config, { logger: pino({ level: 'silent' }), clock: time.clock, scheduler: time.scheduler });
    await pipelines.shutdown();
    expect(seen).toEqual(['live']);
  });
});
