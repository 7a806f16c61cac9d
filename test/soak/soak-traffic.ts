// Drives the soak's traffic: chunks generated and encoded by a worker thread (traffic-chunks.ts)
// one chunk ahead, each request POSTed to the agent's /v1/traces at the wall time it is due, as
// many LiteLLM workers would (at most 32 in flight). A 429/503 is retried after its Retry-After,
// as the OTLP exporters do; a request still refused after 8 tries is counted, and one that could
// not even start within 30 s of its time is skipped and counted (the agent was not keeping up).
import { Worker } from 'node:worker_threads';
import { CHUNK_SECS, type ChunkRequest, type TrafficBatch } from './traffic-chunks.ts';

const MAX_IN_FLIGHT = 32;
const MAX_TRIES = 8;
/** A request this late is not sent: a real exporter's bounded queue would have dropped it by then. */
const GIVE_UP_LATE_MS = 30_000;

export interface TrafficStats {
  spans: number;
  requests: number;
  /** Requests that got a 429/503 and were sent again. */
  retries: number;
  /** Spans in requests the agent still refused after 8 tries (counted, not silent). */
  refusedSpans: number;
  /** How late requests went out, at worst (the generator or the agent could not keep up). */
  maxLagMs: number;
  /** Spans not sent because their request was over 30 s late (the agent was not taking them in time). */
  skippedSpans: number;
}

export interface Traffic {
  readonly stats: TrafficStats;
  /** Resolves when every request has been answered. */
  readonly done: Promise<void>;
}

export function startTraffic(target: string, spansPerSec: number, durationMs: number): Traffic {
  const stats: TrafficStats = { spans: 0, requests: 0, retries: 0, refusedSpans: 0, maxLagMs: 0, skippedSpans: 0 };
  const url = `${target}/v1/traces`;
  const worker = new Worker(new URL('./traffic-worker.js', import.meta.url));
  const chunks = Math.ceil(durationMs / (CHUNK_SECS * 1000));
  const t0 = Date.now() + 3_000; // time for the first chunk to be generated
  const waiting = new Map<number, (batches: TrafficBatch[]) => void>();
  worker.on('message', (m: { chunk: number; batches: TrafficBatch[] }) => waiting.get(m.chunk)?.(m.batches));
  const request = (chunk: number) =>
    new Promise<TrafficBatch[]>((resolve) => {
      waiting.set(chunk, resolve);
      worker.postMessage({ chunk, spansPerSec, startMs: t0 + chunk * CHUNK_SECS * 1000 } satisfies ChunkRequest);
    });

  let inFlight = 0;
  const slots: (() => void)[] = [];
  const post = async (batch: TrafficBatch) => {
    while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => slots.push(r));
    if (Date.now() - batch.dueMs > GIVE_UP_LATE_MS) {
      stats.skippedSpans += batch.spans;
      slots.shift()?.();
      return;
    }
    inFlight++;
    stats.maxLagMs = Math.max(stats.maxLagMs, Date.now() - batch.dueMs);
    try {
      for (let attempt = 1; ; attempt++) {
        let status = 0;
        let retryAfter = NaN;
        try {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: batch.body });
          await res.arrayBuffer();
          status = res.status;
          retryAfter = Number(res.headers.get('retry-after'));
        } catch {
          status = 0; // connection refused or reset: retried like a 503
        }
        if (status >= 200 && status < 300) {
          stats.spans += batch.spans;
          stats.requests++;
          return;
        }
        if ((status !== 0 && status !== 429 && status !== 503) || attempt >= MAX_TRIES) {
          stats.refusedSpans += batch.spans;
          return;
        }
        stats.retries++;
        await new Promise((r) =>
          setTimeout(r, Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 30) * 1000 : 500 * 2 ** attempt),
        );
      }
    } finally {
      inFlight--;
      slots.shift()?.();
    }
  };

  const done = (async () => {
    const sent: Promise<void>[] = [];
    let next = request(0);
    for (let chunk = 0; chunk < chunks; chunk++) {
      const batches = await next;
      if (chunk + 1 < chunks) next = request(chunk + 1);
      for (const batch of batches) {
        const wait = batch.dueMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sent.push(post(batch));
      }
    }
    await Promise.all(sent);
    await worker.terminate();
  })();
  return { stats, done };
}
