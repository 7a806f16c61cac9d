// `npm run bench full-chain-load`: the agent as a user runs it (`faultline run --config agent.yaml`,
// as `npm start` does: its own process, the shipped configuration, the bundled PostgreSQL) under
// realistic content-bearing LiteLLM / OTel GenAI / OpenInference traffic over OTLP/HTTP JSON.
// Prints spans per agent CPU-second (every thread of the agent process) with every check done,
// the ratio to bare JSON.parse of the same bodies in the same run, checks dropped, receive-to-ack
// latency at a paced 10,000 spans/s and peak RSS. It measures; it never asserts.
//
// BENCH_LOAD_SPANS (default 60,000) spans go as fast as accepted over two connections;
// BENCH_PACED_SECONDS (default 20) of paced traffic follow. BENCH_AGENT_FLAGS are Node flags for
// the agent process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it under this load.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { cpuMs, resetPeakRss, rss, scrape, type Metrics } from './load/agent-probe.ts';
import { paced, saturate, type SendTally } from './load/http-load.ts';
import { buildTraffic, retrace, SHAPES, type Body } from './load/traffic.ts';

const SPANS = Number(process.env.BENCH_LOAD_SPANS ?? 60_000);
const PACED_SECONDS = Number(process.env.BENCH_PACED_SECONDS ?? 20);
const PACED_RATE = 10_000;
const CONNECTIONS = 2;
// 512 spans per request: what the OpenTelemetry BatchSpanProcessor (LiteLLM's exporter) sends;
// 100-span requests for the paced run (100 requests a second at 10,000 spans/s).
const BIG = 512;
const SMALL = 100;
const CHECKS = ['language', 'entities'];
const SCRAPE_MS = 1_000;

const log = (line = ''): void => void process.stdout.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

log(`full-chain-load: Node ${process.version}, ${availableParallelism()} cores, load average ${load()} (other processes share them)`);
// The agent starts (and initialises its database) while the traffic is built.
const dir = mkdtempSync(join(tmpdir(), 'faultline-load-'));
// The bundled PostgreSQL runs as its own user when the agent runs as root: it must reach its data dir.
chmodSync(dir, 0o755);
const agent = startAgentProcess(resolve('agent.yaml'), {
  cwd: dir,
  env: {
    DATABASE_URL: '',
    FAULTLINE_OTLP_HTTP_ENDPOINT: '127.0.0.1:0',
    FAULTLINE_OTLP_GRPC_ENDPOINT: '127.0.0.1:0',
    FAULTLINE_METRICS_ENDPOINT: '127.0.0.1:0',
    FAULTLINE_API_ENDPOINT: '127.0.0.1:0',
    FAULTLINE_LOG_LEVEL: 'info',
  },
  nodeFlags: (process.env.BENCH_AGENT_FLAGS ?? '').split(' ').filter(Boolean),
});
try {
  const genStart = performance.now();
  const warm = buildTraffic(8_000, BIG, 1);
  const main = buildTraffic(SPANS, BIG, 2);
  const pacedPool = buildTraffic(30_000, SMALL, 3);
  log(
    `  traffic: ${fmt(main.spans)} spans in ${main.bodies.length} OTLP/JSON requests of ≤ ${BIG} spans, ${fmt(main.bytes / main.spans)} B per span, ` +
      `shapes ${SHAPES.join(', ')} + OpenInference RAG spans; ${((100 * main.failedCalls) / main.calls).toFixed(1)} % of ${fmt(main.calls)} calls failing ` +
      `(built in ${((performance.now() - genStart) / 1000).toFixed(0)} s)`,
  );

  const bare = bareJsonParse(main.bodies);
  log(`  bare JSON.parse of the same bodies (this process, one thread): ${fmt(bare)} spans per CPU-second`);

  const pid = agent.child.pid!;
  await agent.waitFor('the agent to start', () => agent.logged('Agent started.'), 120_000);
  const port = Number(String(agent.logged('OTLP receiver listening.')!.http).split(':').pop());
  const metricsUrl = `http://${String(agent.logged('Metrics endpoint listening.')!.endpoint)}/metrics`;
  log(`  agent: pid ${pid}, OTLP/HTTP on ${port}, ${metricsUrl} (working directory ${dir})`);

  // Warm-up: JIT, worker threads, database connections; then the measured run from a drained agent.
  await saturate(port, warm.bodies, CONNECTIONS);
  let before = await drained(agent, metricsUrl, pid);

  log(`\nAs fast as accepted: ${fmt(main.spans)} spans over ${CONNECTIONS} connections, load average ${load()}`);
  const wallStart = performance.now();
  const sent = await saturate(port, main.bodies, CONNECTIONS);
  const sentSecs = (performance.now() - wallStart) / 1000;
  let after = await drained(agent, metricsUrl, pid);
  const accepted = acceptedSpans(after.metrics) - acceptedSpans(before.metrics);
  const cpuSecs = (after.cpuMs - before.cpuMs) / 1000;
  const perCpu = accepted / cpuSecs;
  const dropped = droppedChecks(before.metrics, after.metrics);
  log(`  full chain ${fmt(perCpu)} spans per agent CPU-second (every thread of the agent process counted)`);
  log(`  bare JSON.parse of the same request bodies, same run: ${fmt(bare)} spans/s — ratio ${(perCpu / bare).toFixed(3)}`);
  log(`  content checks dropped while doing it: ${describeDrops(dropped)}`);
  log(
    `  ${fmt(accepted)} spans accepted in ${sentSecs.toFixed(1)} s (${fmt(accepted / sentSecs)} spans/s wall, ${(cpuSecs / sentSecs).toFixed(2)} cores); ` +
      `refused ${describeRefusals(sent)}; peak RSS ${mib(rss(pid).peak)}`,
  );

  log(`\nPaced: ${fmt(PACED_RATE)} spans/s for ${PACED_SECONDS} s in ${SMALL}-span requests, load average ${load()}`);
  before = after;
  const peakReset = resetPeakRss(pid);
  let polledPeak = rss(pid).now;
  const poll = setInterval(() => (polledPeak = Math.max(polledPeak, rss(pid).now)), 100);
  let k = 0;
  const nextBody = (): Body => {
    const b = pacedPool.bodies[k % pacedPool.bodies.length];
    return retrace(b, 100 + Math.floor(k++ / pacedPool.bodies.length));
  };
  const pacedStart = performance.now();
  const { latencies, tally } = await paced(port, nextBody, PACED_RATE, PACED_SECONDS);
  after = await drained(agent, metricsUrl, pid);
  const pacedSecs = (performance.now() - pacedStart) / 1000;
  clearInterval(poll);
  const pacedPeak = Math.max(polledPeak, peakReset ? rss(pid).peak : 0);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  const pacedDrops = droppedChecks(before.metrics, after.metrics);
  const pacedCpu = (after.cpuMs - before.cpuMs) / 1000;
  log(
    `  receive-to-ack p50 ${q(0.5).toFixed(2)} ms, p99 ${q(0.99).toFixed(2)} ms, max ${latencies[latencies.length - 1].toFixed(2)} ms (${latencies.length} requests)`,
  );
  log(`  peak RSS ${mib(pacedPeak)}; checks dropped ${describeDrops(pacedDrops)}; refused ${describeRefusals(tally)}`);
  log(
    `  ${fmt(tally.spans / pacedCpu)} spans per agent CPU-second at this rate (${(pacedCpu / pacedSecs).toFixed(2)} cores over ${pacedSecs.toFixed(0)} s, drained)`,
  );

  const total = (d: Record<string, number>) => Object.values(d).reduce((a, b) => a + b, 0);
  const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
  log('\nTargets');
  log(`  ≥ 25,000 spans per agent CPU-second:          ${fmt(perCpu).padStart(9)}  ${verdict(perCpu >= 25_000)}`);
  log(`  ratio to bare JSON.parse ≥ 0.2:              ${(perCpu / bare).toFixed(3).padStart(9)}  ${verdict(perCpu / bare >= 0.2)}`);
  log(
    `  zero dropped checks (both runs):             ${fmt(total(dropped) + total(pacedDrops)).padStart(9)}  ${verdict(total(dropped) + total(pacedDrops) === 0)}`,
  );
  log(`  p99 receive-to-ack ≤ 10 ms at 10k spans/s:   ${q(0.99).toFixed(2).padStart(9)}  ${verdict(q(0.99) <= 10)}`);
  log(`  peak RSS ≤ 256 MiB at 10k spans/s:           ${mib(pacedPeak).padStart(9)}  ${verdict(pacedPeak <= 256 * 2 ** 20)}`);
} finally {
  agent.child.kill('SIGTERM');
  await agent.exit;
  if (process.env.BENCH_KEEP_DIR === undefined) rmSync(dir, { recursive: true, force: true });
}

/** Spans per CPU-second of JSON.parse over every body, the median of three passes. */
function bareJsonParse(bodies: readonly Body[]): number {
  const rounds: number[] = [];
  for (let r = 0; r < 3; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    let spans = 0;
    const cpu = process.cpuUsage();
    for (const b of bodies) {
      JSON.parse(b.json.toString('utf8'));
      spans += b.spans;
    }
    const used = process.cpuUsage(cpu);
    rounds.push(spans / ((used.user + used.system) / 1e6));
  }
  return rounds.sort((a, b) => a - b)[1];
}

function acceptedSpans(m: Metrics): number {
  return m.sum('faultline_receiver_accepted_spans_total');
}

function droppedChecks(before: Metrics, after: Metrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const check of CHECKS)
    out[check] =
      after.sum('faultline_detector_queue_dropped_total', { check }) - before.sum('faultline_detector_queue_dropped_total', { check });
  return out;
}

function describeDrops(d: Record<string, number>): string {
  return CHECKS.map((c) => `${fmt(d[c])} ${c}`).join(', ');
}

function describeRefusals(t: SendTally): string {
  const parts = Object.entries(t.refused).map(([status, n]) => `${n} × HTTP ${status}`);
  if (t.resent > 0) parts.push(`${t.resent} resent after a connection reset`);
  if (parts.length === 0) return 'none';
  return `${parts.join(', ')} (Retry-After ${Math.min(...t.retryAfter)}–${Math.max(...t.retryAfter)} s)`;
}

/**
 * Waits until the last call has left the pipeline: nothing in flight from the receivers, the
 * trace assembler holding nothing, no expensive check queued, and every component's counters
 * unchanged for two scrapes a second apart. Returns the agent's CPU time when the counters last changed.
 */
async function drained(a: AgentProcess, url: string, pid: number): Promise<{ cpuMs: number; metrics: Metrics }> {
  let last = '';
  let since = 0;
  let scrapedAt = 0;
  let at: { cpuMs: number; metrics: Metrics } | null = null;
  return a.waitFor(
    'the pipeline to drain',
    async () => {
      // A scrape costs the agent CPU (every series rendered): once a second, as a fast Prometheus would.
      if (performance.now() - scrapedAt < SCRAPE_MS) return undefined;
      scrapedAt = performance.now();
      const cpu = cpuMs(pid);
      const m = await scrape(url);
      const counters = ['faultline_component_items_in_total', 'faultline_component_items_out_total']
        .flatMap((n) => m.series(n).map((s) => `${s.labels.component}=${s.value}`))
        .join(',');
      const held =
        m.sum('faultline_component_items_in_total', { component: 'trace_assembler' }) -
        m.sum('faultline_component_items_out_total', { component: 'trace_assembler' });
      const idle = held === 0 && m.sum('faultline_pipeline_inflight_items') === 0 && m.sum('faultline_detector_queue_depth') === 0;
      if (counters !== last || !idle) {
        last = counters;
        since = performance.now();
        at = { cpuMs: cpu, metrics: m };
        return undefined;
      }
      return performance.now() - since >= 2 * SCRAPE_MS ? at! : undefined;
    },
    600_000,
  );
}
