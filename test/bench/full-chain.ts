// `npm run bench full-chain`: the whole processing chain of agent.yaml (normalize →
// trace_assembler → detectors with the security scan → classifier) on simulated LiteLLM traffic
// with captured content and a prompt-injection campaign, fed in event-time order as replay does.
// Prints spans/s, the p99 time to process one chunk (≤ 500 spans or 1 s of event time), and RSS.
// It measures; it does not assert (speed never gates the test suite).
import { existsSync } from 'node:fs';
import { loadConfigFile } from '../../config/load.ts';
import { defaultOfflineConfig, runOffline } from '../../agent/tools/offline.ts';
import { registry } from '../../agent/registry.ts';
import { generate } from '../../agent/tools/simulate/generate.ts';
import { loadBuiltInScenario } from '../../agent/tools/simulate/load-scenario.ts';
import { renderSpans } from '../../agent/tools/simulate/render.ts';

const SECONDS = Number(process.env.BENCH_SIM_SECONDS ?? 600);
const RATE = Number(process.env.BENCH_SIM_RATE ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

const scenario = {
  ...loadBuiltInScenario('injection-campaign'),
  duration_secs: SECONDS,
  traffic: { ...loadBuiltInScenario('injection-campaign').traffic, rate_per_sec: RATE, rag_share: 0.3 },
};
const genStart = performance.now();
const spans = renderSpans(generate(scenario));
const genMs = performance.now() - genStart;
const config = existsSync('agent.yaml') ? loadConfigFile('agent.yaml', registry, { env: process.env }) : defaultOfflineConfig();
log(
  `  simulated ${spans.length.toLocaleString('en-US')} spans (${SECONDS} s of traffic at ${RATE} requests/s, content on, injection campaign) in ${(genMs / 1000).toFixed(1)} s`,
);

const results: { spansPerSec: number; p99: number; p50: number; events: number }[] = [];
let peakRss = 0;
for (let round = 0; round < ROUNDS; round++) {
  (globalThis as { gc?: () => void }).gc?.();
  const chunkMs: number[] = [];
  let last = performance.now();
  const start = last;
  const out = await runOffline(spans, [], config, {
    onProgress: () => {
      const now = performance.now();
      chunkMs.push(now - last);
      last = now;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  });
  const wall = (performance.now() - start) / 1000;
  chunkMs.sort((a, b) => a - b);
  results.push({
    spansPerSec: spans.length / wall,
    p99: chunkMs[Math.ceil(chunkMs.length * 0.99) - 1],
    p50: chunkMs[Math.floor(chunkMs.length / 2)],
    events: out.emitted('events').length,
  });
}
results.sort((a, b) => a.spansPerSec - b.spansPerSec);
const median = results[Math.floor(results.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
log(
  `  full chain (${Object.values(config.pipelines)
    .flatMap((p) => p.processors)
    .join(' → ')})`,
);
log(
  `  throughput                    ${fmt(median.spansPerSec)} spans/s (median of ${ROUNDS}; rounds ${results.map((r) => Math.round(r.spansPerSec / 1000) + 'k').join(', ')})`,
);
log(
  `  per-chunk processing latency  p50 ${median.p50.toFixed(1)} ms, p99 ${median.p99.toFixed(1)} ms (chunks of ≤ 500 spans / 1 s event time)`,
);
log(
  `  RSS peak                      ${(peakRss / 2 ** 20).toFixed(0)} MiB; ${median.events.toLocaleString('en-US')} failure events per run`,
);
