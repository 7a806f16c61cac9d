// Streams spans to a running agent's OTLP/HTTP endpoint as LiteLLM's exporter does: protobuf
// POSTs to /v1/traces of at most 512 spans (the BatchSpanProcessor's batch). Paced by event time
// at `speed` × real time, or as fast as the agent acknowledges (speed null). A 429/503 is retried
// after its Retry-After, as the OTLP exporters do.
import type { OtlpSpan } from '../../core/model/otlp.ts';
import { encodeTracesProtobuf } from '../../receivers/otlp-wire/encode-traces-protobuf.ts';

export class TargetError extends Error {
  readonly code = 'FL_TARGET_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TargetError';
  }
}

const BATCH_SPANS = 512;
const BATCH_EVENT_MS = 5_000;
const MAX_RETRIES = 8;

/** http://host:4318 → http://host:4318/v1/traces (LiteLLM's endpoint normalisation). */
export function tracesUrl(target: string): string {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TargetError(`--target must be a URL such as http://127.0.0.1:4318, got "${target}"`);
  }
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v1/traces';
  return url.toString();
}

export async function sendSpans(
  spans: readonly OtlpSpan[],
  target: string,
  options: { speed: number | null; onProgress?: (sent: number, total: number) => void; sleep?: (ms: number) => Promise<void> },
): Promise<{ requests: number; retries: number }> {
  const url = tracesUrl(target);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const firstMs = spans.length > 0 ? Number(spans[0].endTimeUnixNano / 1_000_000n) : 0;
  const wallStart = performance.now();
  let requests = 0;
  let retries = 0;
  let i = 0;
  while (i < spans.length) {
    const batchStart = Number(spans[i].endTimeUnixNano / 1_000_000n);
    let j = i + 1;
    while (j < spans.length && j - i < BATCH_SPANS && Number(spans[j].endTimeUnixNano / 1_000_000n) - batchStart < BATCH_EVENT_MS) j++;
    const batch = spans.slice(i, j);
    if (options.speed !== null) {
      const dueWall = wallStart + (Number(batch[batch.length - 1].endTimeUnixNano / 1_000_000n) - firstMs) / options.speed;
      const wait = dueWall - performance.now();
      if (wait > 0) await sleep(wait);
    }
    retries += await post(url, encodeTracesProtobuf(batch), sleep);
    requests++;
    i = j;
    options.onProgress?.(i, spans.length);
  }
  return { requests, retries };
}

async function post(url: string, body: Uint8Array, sleep: (ms: number) => Promise<void>): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    } catch (err) {
      throw new TargetError(
        `cannot reach ${url} (${(err as Error).cause ? String((err as { cause: Error }).cause.message) : (err as Error).message}); is the agent running?`,
        { cause: err },
      );
    }
    await res.arrayBuffer();
    if (res.ok) return attempt;
    if ((res.status === 429 || res.status === 503) && attempt < MAX_RETRIES) {
      const after = Number(res.headers.get('retry-after'));
      await sleep(Number.isFinite(after) && after > 0 ? Math.min(after, 30) * 1000 : 500 * 2 ** attempt);
      continue;
    }
    throw new TargetError(`${url} answered HTTP ${res.status}${attempt > 0 ? ` after ${attempt} retries` : ''}`);
  }
}
