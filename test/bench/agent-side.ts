// The agent half of `npm run bench`, in its own process so the load generator does not share its
// event loop: the real otlp receiver and normalize processor, built by the real pipeline builder,
// ending in an exporter that only counts. Talks to the parent over IPC.
import pino from 'pino';
import { z } from 'zod';
import { createLiveTime } from '../../agent/core/clock.ts';
import { defineExporter } from '../../agent/core/component.ts';
import { buildPipelines } from '../../agent/core/pipeline/build.ts';
import { registry } from '../../agent/registry.ts';
import type { OtlpReceiver } from '../../agent/receivers/otlp/index.ts';
import { parseConfig } from '../../config/load.ts';

let calls = 0;
const counter = defineExporter({
  type: 'count',
  description: 'Counts normalized calls.',
  configSchema: z.strictObject({}),
  create: () => ({
    async export(batch) {
      calls += batch.calls.length;
    },
  }),
});

const config = parseConfig(
  `
receivers:
  otlp:
    protocols:
      http: { endpoint: "127.0.0.1:0" }
    memory_limit_mib: 0
processors: { normalize: {} }
exporters: { count: {} }
service:
  max_inflight_items: 1000000
  pipelines: { bench: { receivers: [otlp], processors: [normalize], exporters: [count] } }
`,
  [...registry, counter],
  { env: {} },
);
const time = createLiveTime();
const pipelines = await buildPipelines(config, {
  logger: pino({ level: 'warn' }, pino.destination(2)),
  clock: time.clock,
  scheduler: time.scheduler,
});
await pipelines.start();
const receiver = pipelines.receiver('otlp') as OtlpReceiver;
const port = receiver.addresses().http!.port;

let peakRss = process.memoryUsage().rss;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50).unref();

process.on('message', async (msg: { type: string }) => {
  if (msg.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send!({ type: 'stats', calls, rss: process.memoryUsage().rss, peakRss, cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (msg.type === 'reset-peak') {
    peakRss = process.memoryUsage().rss;
    process.send!({ type: 'reset-peak' });
  } else if (msg.type === 'stop') {
    await pipelines.shutdown();
    time.stop();
    process.disconnect();
  }
});
process.send!({ type: 'ready', port });
