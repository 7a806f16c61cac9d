// `npm run bench baselines`: what learned baselines cost. The profile update per call (the
// baseline processor's process() over ready-made batches, its window checks included), the memory
// of 200 profiles after a week of traffic (alone and with the processor's windows), and the choice of quantile sketch: DDSketch as the
// prometheus exporter keeps it (a Map of buckets at 1 % accuracy) against the log-bucket
// histogram in agent/core/sketch (a dense array at 2.2 %): heap, bytes stored, error, insert cost.
// Prints figures and targets; it measures, it does not assert.
import { createManualTime } from '../../agent/core/clock.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import { createLogHistogram, type LogHistogram } from '../../agent/core/sketch/log-histogram.ts';
import { createQuantileSketch, type QuantileSketch } from '../../exporters/prometheus/quantile-sketch.ts';
import baseline from '../../processors/baseline/index.ts';
import { profileSettings } from '../../processors/baseline/key-state.ts';
import { createSeasonalProfile } from '../../processors/baseline/seasonal-profile.ts';
import { makeProcessorContext } from '../support/component-context.ts';
import { calls, DAY, HOUR, MONDAY, seeded } from '../processors/baseline/traffic.ts';

const log = (line = '') => process.stdout.write(`${line}\n`);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
// Profiles and windows live in typed arrays, whose bytes V8 counts apart from the heap.
const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

async function updateCost(): Promise<void> {
  // 20 keys (providers × models), 1 call/s each for 6 hours: windows, slices, hours and folds all run.
  const all: LlmCall[] = [];
  for (let k = 0; k < 20; k++)
    for (const c of calls({
      seed: k + 1,
      startMs: MONDAY,
      durationMs: 6 * HOUR,
      rate: 1,
      provider: `provider-${k % 4}`,
      model: `model-${k}`,
      errorRate: 0.01,
    }))
      all.push(c);
  all.sort((a, b) => a.timing.endMs - b.timing.endMs);
  const batches = [];
  for (let i = 0; i < all.length; i += 100) batches.push(createBatch({ calls: all.slice(i, i + 100) }));
  // CPU time of this process as well as wall time: on a shared machine the wall clock also counts
  // the time spent waiting for a core, which says nothing about the code.
  let bestWall = Infinity;
  let bestCpu = Infinity;
  for (let round = 0; round < 3; round++) {
    const p = await baseline.create(baseline.configSchema.parse({}), makeProcessorContext());
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const b of batches) await p.process(b);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    bestWall = Math.min(bestWall, (wall * 1000) / all.length);
    bestCpu = Math.min(bestCpu, (used.user + used.system) / all.length);
  }
  const count = all.length.toLocaleString('en-US');
  log(`  profile update, per call, CPU time (20 keys, ${count} calls)   ${bestCpu.toFixed(2)} µs   (target ≤ 1 µs)`);
  log(`  profile update, per call, wall time                            ${bestWall.toFixed(2)} µs`);
}

async function memory(): Promise<void> {
  // 200 keys, each with a week of traffic (every hour-of-week slot filled), a call every 100 s, on
  // event time so the processor flushes as it would live (a flush hands its closed hours over).
  const config = baseline.configSchema.parse({ max_keys: 1_000 });
  const latest = new Map<string, string>();
  const time = createManualTime(MONDAY);
  let recording = true;
  const p = await baseline.create(
    config,
    makeProcessorContext({
      clock: time.clock,
      scheduler: time.scheduler,
      emit: async (b) => {
        if (recording) for (const s of b.baselines) latest.set(`${s.provider}/${s.model}`, s.state);
      },
    }),
  );
  await p.start?.();
  for (let h = 0; h < 7 * 24 + 1; h++) {
    const hour: LlmCall[] = [];
    for (let k = 0; k < 200; k++)
      for (const c of calls({
        seed: h * 1_000 + k + 1,
        startMs: MONDAY + h * HOUR,
        durationMs: HOUR,
        rate: 0.01,
        provider: `provider-${k % 10}`,
        model: `model-${k}`,
        errorRate: 0.02,
      }))
        hour.push(c);
    hour.sort((a, b) => a.timing.endMs - b.timing.endMs);
    for (let i = 0; i < hour.length; i += 200) {
      const chunk = hour.slice(i, i + 200);
      await time.advanceTo(chunk[chunk.length - 1].timing.endMs);
      await p.process(createBatch({ calls: chunk }));
    }
  }
  // What the processor holds: the heap with its keys, less the heap once shutdown has dropped them
  // (the snapshots of that last flush are not kept, so they do not count against it).
  const withProcessor = heap();
  recording = false;
  await p.shutdown?.();
  time.stop();
  const whole = withProcessor - heap();
  const states = [...latest.values()];
  // The learned profiles alone, as a restart decodes them from the stored state.
  const settings = profileSettings(config);
  const beforeProfiles = heap();
  const profiles = states.map((s) => createSeasonalProfile(settings, Buffer.from(s, 'base64')));
  const learned = heap() - beforeProfiles;
  const stateBytes = Math.round((states[0].length * 3) / 4);
  log(`  memory of 200 learned profiles (a week of traffic each)   ${(learned / 1e6).toFixed(2)} MB   (target ≤ 1 MB)`);
  log(`  memory of the whole processor with 200 keys (profiles, windows, hour aggregates)   ${(whole / 1e6).toFixed(2)} MB`);
  log(`  stored profile state, per key                            ${stateBytes.toLocaleString('en-US')} bytes`);
  void profiles.length;
}

interface SketchUnderTest {
  name: string;
  create(): { add(v: number): void; quantile(q: number): number; bytes(): number };
}

const SKETCHES: SketchUnderTest[] = [
  {
    name: 'DDSketch, Map store, 1 % (exporters/prometheus)',
    create() {
      const s: QuantileSketch = createQuantileSketch(0.01);
      // Serialized as DDSketch's protobuf would hold it: varint index and count per bucket.
      return { add: (v) => s.add(v), quantile: (q) => s.quantile(q), bytes: () => s.bins.size * 4 + 8 };
    },
  },
  {
    name: 'DDSketch, Map store, 2 %',
    create() {
      const s: QuantileSketch = createQuantileSketch(0.02);
      return { add: (v) => s.add(v), quantile: (q) => s.quantile(q), bytes: () => s.bins.size * 4 + 8 };
    },
  },
  {
    name: 'log-bucket histogram, 2.2 % (agent/core/sketch)',
    create() {
      const s: LogHistogram = createLogHistogram();
      return { add: (v) => s.add(v), quantile: (q) => s.quantile(q), bytes: () => s.encode().length };
    },
  },
];

function sketches(): void {
  // An hour of one provider: 3,600 latencies, lognormal around 2 s with sigma 0.8 (long answers).
  const r = seeded(42);
  const values = Array.from({ length: 3_600 }, () => 2_000 * Math.exp(0.8 * r.normal()));
  const sorted = [...values].sort((a, b) => a - b);
  const exact = (q: number) => sorted[Math.ceil(q * sorted.length) - 1];
  log(
    `  ${'sketch'.padEnd(50)} ${'heap/sketch'.padStart(12)} ${'stored'.padStart(8)} ${'max err p50/p95/p99'.padStart(20)} ${'insert'.padStart(9)}`,
  );
  for (const s of SKETCHES) {
    const before = heap();
    const held = Array.from({ length: 200 }, () => {
      const k = s.create();
      for (const v of values) k.add(v);
      return k;
    });
    const perSketch = (heap() - before) / held.length;
    const one = held[0];
    const err = Math.max(...[0.5, 0.95, 0.99].map((q) => Math.abs(one.quantile(q) - exact(q)) / exact(q)));
    const k = s.create();
    const start = performance.now();
    for (let round = 0; round < 100; round++) for (const v of values) k.add(v);
    const ns = ((performance.now() - start) * 1e6) / (100 * values.length);
    log(
      `  ${s.name.padEnd(50)} ${`${(perSketch / 1024).toFixed(1)} KB`.padStart(12)} ${`${one.bytes()} B`.padStart(8)} ${`${(err * 100).toFixed(2)} %`.padStart(20)} ${`${ns.toFixed(0)} ns`.padStart(9)}`,
    );
  }
}

log('Baselines');
await updateCost();
await memory();
log('Quantile sketches (an hour of 3,600 latencies; 200 sketches held for the heap figure)');
sketches();
