// The soak's traffic, generated off the main thread: simulated LiteLLM spans with captured content
// (agent/tools/simulate) for one 10-second chunk at a time, live (timestamps from the chunk's wall
// start), encoded as the OTLP/HTTP protobuf requests LiteLLM's exporter sends (at most 512 spans,
// a 5-second window each), each with the wall time it is due. Every chunk has its own seed, so ids
// never repeat, and its own faults: a steady trickle of rate limits and prompt injections, and an
// OpenAI outage for 20 s of every 2 minutes, so incidents open and resolve throughout.
import { parentPort } from 'node:worker_threads';
import { encodeTracesProtobuf } from '../../agent/receivers/otlp-wire/encode-traces-protobuf.ts';
import { generate } from '../../agent/tools/simulate/generate.ts';
import { renderSpans } from '../../agent/tools/simulate/render.ts';
import { Scenario, type Fault } from '../../agent/tools/simulate/scenario-schema.ts';

export const CHUNK_SECS = 10;
const BATCH_SPANS = 512;
const BATCH_WINDOW_MS = 5_000;

export interface ChunkRequest {
  chunk: number;
  spansPerSec: number;
  startMs: number;
}

export interface TrafficBatch {
  /** Wall time (ms) when LiteLLM would send it: its last span's end. */
  dueMs: number;
  spans: number;
  body: Uint8Array;
}

function scenario(chunk: number, ratePerSec: number, startMs: number): Scenario {
  const faults: Fault[] = [
    { kind: 'error', error: 'rate_limited', at_secs: 0, match: { provider: 'anthropic' }, share: 0.03 },
    { kind: 'prompt_injection', at_secs: 0, match: {}, share: 0.002, guardrail_share: 0, output_multiplier: 1, degrade_quality: false },
  ];
  if (chunk % 12 === 3 || chunk % 12 === 4)
    faults.push({ kind: 'error', error: 'outage', at_secs: 0, match: { provider: 'openai' }, share: 1 });
  return Scenario.parse({
    name: 'soak',
    title: 'Soak traffic',
    story: 'Steady traffic with content and recurring faults.',
    seed: 1_000 + chunk,
    start: new Date(startMs).toISOString(),
    duration_secs: CHUNK_SECS,
    traffic: { rate_per_sec: ratePerSec, content: true, num_retries: 1, teams: 8, users: 400, rag_share: 0.1 },
    faults,
  });
}

let spansPerRequest: number | null = null;

function chunkBatches(r: ChunkRequest): TrafficBatch[] {
  // Spans per client request for this traffic shape, from a sample, so the span rate comes out right.
  if (spansPerRequest === null) {
    const sample = generate(scenario(0, 50, r.startMs));
    spansPerRequest = renderSpans(sample).length / Math.max(1, sample.plans.length);
  }
  const spans = renderSpans(generate(scenario(r.chunk, r.spansPerSec / spansPerRequest, r.startMs)));
  spans.sort((a, b) => (a.endTimeUnixNano < b.endTimeUnixNano ? -1 : a.endTimeUnixNano > b.endTimeUnixNano ? 1 : 0));
  const batches: TrafficBatch[] = [];
  for (let i = 0; i < spans.length;) {
    const firstEnd = Number(spans[i].endTimeUnixNano / 1_000_000n);
    let j = i + 1;
    while (j < spans.length && j - i < BATCH_SPANS && Number(spans[j].endTimeUnixNano / 1_000_000n) - firstEnd < BATCH_WINDOW_MS) j++;
    const batch = spans.slice(i, j);
    // A copy of its own, so each body's memory can be handed to the main thread.
    const body = new Uint8Array(encodeTracesProtobuf(batch));
    batches.push({ dueMs: Number(batch[batch.length - 1].endTimeUnixNano / 1_000_000n), spans: batch.length, body });
    i = j;
  }
  return batches;
}

parentPort?.on('message', (r: ChunkRequest) => {
  const batches = chunkBatches(r);
  parentPort!.postMessage(
    { chunk: r.chunk, batches },
    batches.map((b) => b.body.buffer as ArrayBuffer),
  );
});
