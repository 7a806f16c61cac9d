// `npm run bench`: decode and receive-path throughput, receive-to-ack latency and memory, on
// realistic 2–4 KB LiteLLM spans with captured content. Prints figures and the targets from
// issue 2; it measures, it does not assert (speed never gates the test suite).
import { fork, type ChildProcess } from 'node:child_process';
import { request, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { decodeTracesJson } from '../../agent/otlp/decode-json.ts';
import { decodeTracesProtobuf } from '../../agent/otlp/decode-traces-protobuf.ts';
import { genAiTraceRequest } from '../support/otlp-fixtures.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const BIG = 1_000; // spans per request for throughput
const SMALL = 100; // spans per request for the latency run (100 requests/s = 10k spans/s)

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function measureDecode(name: string, body: Uint8Array, spans: number, decode: (b: Uint8Array) => unknown): number {
  for (let i = 0; i < 20; i++) decode(body); // warm-up
  const deadline = performance.now() + SECONDS * 1000;
  let runs = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    decode(body);
    runs++;
  }
  const rate = (runs * spans) / ((performance.now() - start) / 1000);
  log(`  ${name.padEnd(34)} ${fmt(rate)} spans/s   (${(body.byteLength / spans).toFixed(0)} B/span, ${runs} requests)`);
  return rate;
}

interface Stats {
  calls: number;
  rss: number;
  peakRss: number;
}

async function startAgent(): Promise<{ child: ChildProcess; port: number; ask: (type: string) => Promise<Stats> }> {
  const child = fork(fileURLToPath(new URL('./agent-side.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { type: string; port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`bench agent exited with ${code}`)));
  });
  const ask = (type: string) =>
    new Promise<Stats>((resolve) => {
      child.once('message', (m: Stats) => resolve(m));
      child.send({ type });
    });
  return { child, port, ask };
}

function post(agent: Agent, port: number, body: Uint8Array, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.byteLength } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve(res.statusCode) : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function saturate(port: number, body: Uint8Array, spans: number, contentType: string, connections: number): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  for (let i = 0; i < 5; i++) await post(agent, port, body, contentType); // warm-up
  const deadline = performance.now() + SECONDS * 1000;
  let acked = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        await post(agent, port, body, contentType);
        acked += spans;
      }
    }),
  );
  agent.destroy();
  return acked / ((performance.now() - start) / 1000);
}

async function paced(port: number, body: Uint8Array, spans: number, spansPerSec: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const intervalMs = (1000 * spans) / spansPerSec;
  const latencies: number[] = [];
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  const total = Math.round((SECONDS * 1000) / intervalMs);
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = performance.now();
    inflight.push(post(agent, port, body, 'application/x-protobuf').then(() => void latencies.push(performance.now() - sent)));
  }
  await Promise.all(inflight);
  agent.destroy();
  return latencies.sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(9);
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

log(`faultline bench — Node ${process.version}, ${SECONDS} s per measurement`);
const big = genAiTraceRequest(BIG);
const small = genAiTraceRequest(SMALL, { seed: 9 });
log(`payload: ${BIG}-span request, ${(big.protobuf.byteLength / 1024).toFixed(0)} KiB protobuf, ${(big.json.byteLength / 1024).toFixed(0)} KiB JSON`);

log('\nBare decode (one core, in process)');
const decodePb = measureDecode('protobuf decode', big.protobuf, BIG, decodeTracesProtobuf);
const decodeJson = measureDecode('JSON decode', big.json, BIG, decodeTracesJson);

const { child, port, ask } = await startAgent();
try {
  log('\nReceiver path: HTTP → decode → normalize → pipeline ack (agent in its own process)');
  const pathPb = await saturate(port, big.protobuf, BIG, 'application/x-protobuf', 2);
  log(`  ${'protobuf, 2 connections'.padEnd(34)} ${fmt(pathPb)} spans/s   ratio to bare decode ${(pathPb / decodePb).toFixed(2)}`);
  const pathJson = await saturate(port, big.json, BIG, 'application/json', 2);
  log(`  ${'JSON, 2 connections'.padEnd(34)} ${fmt(pathJson)} spans/s   ratio to bare decode ${(pathJson / decodeJson).toFixed(2)}`);

  await ask('reset-peak');
  log('\nReceive-to-ack latency at 10,000 spans/s (100-span protobuf requests, 100 requests/s)');
  const lat = await paced(port, small.protobuf, SMALL, 10_000);
  const stats = await ask('stats');
  const p50 = quantile(lat, 0.5);
  const p99 = quantile(lat, 0.99);
  log(`  p50 ${p50.toFixed(2)} ms   p99 ${p99.toFixed(2)} ms   max ${lat[lat.length - 1].toFixed(2)} ms   (${lat.length} requests)`);
  log(`  agent RSS ${(stats.rss / 2 ** 20).toFixed(0)} MiB now, peak ${(stats.peakRss / 2 ** 20).toFixed(0)} MiB during the run; ${stats.calls.toLocaleString('en-US')} calls normalized in all`);

  log('\nTargets (issue 2)');
  log(`  decode ≥ 100,000 spans/s on one core:        ${fmt(decodePb)}  ${verdict(decodePb >= 100_000)}`);
  log(`  receive+normalize ≥ 50% of bare decode:      ${(pathPb / decodePb).toFixed(2).padStart(9)}  ${verdict(pathPb / decodePb >= 0.5)}`);
  log(`  p99 receive-to-ack ≤ 10 ms at 10k spans/s:   ${p99.toFixed(2).padStart(9)}  ${verdict(p99 <= 10)}`);
  log(`  RSS ≤ 256 MiB:                               ${(stats.peakRss / 2 ** 20).toFixed(0).padStart(9)}  ${verdict(stats.peakRss <= 256 * 2 ** 20)}`);
} finally {
  child.send({ type: 'stop' });
  await new Promise((r) => child.once('exit', r));
}
