// The current window of one key: a ring of slices (counts and sums of calls, errors, tokens per
// second, cost, tokens, time to first token, quality findings) and a ring of the latencies of its
// successful calls, for the window p95. The latency ring is bounded: a busy key judges its most
// recent max_window_samples calls. It also counts how many held latencies exceed a threshold,
// kept up to date on every add and eviction, so the p95 test costs O(1) per call.
import { isKnown, type CallSample } from './call-sample.ts';
import { selectQuantiles } from './nearest-rank.ts';

// Slice fields; the exported ones can be summed over the window with sum(). Field 0 is unused
// (the slice number is kept apart, in double precision).
export const CALLS = 1;
export const ERRORS = 2;
/** Latencies in the ring attributed to the slice. */
export const IN_RING = 3;
export const TPS_N = 4;
export const TPS_LOG = 5;
export const COST_N = 6;
export const COST_LOG = 7;
export const COST_SUM = 8;
export const TOK_N = 9;
export const TOK_LOG = 10;
export const TIN_N = 11;
export const TIN_SUM = 12;
export const TOUT_N = 13;
export const TOUT_SUM = 14;
/** Welford state of the slice's log time to first token (per slice only, never summed). */
export const TTFT_N = 15;
export const TTFT_MEAN = 16;
export const TTFT_M2 = 17;
export const Q_CHECKED = 18;
export const Q_FAILED = 19;
const FIELDS = 20;

/**
 * Where quantiles are selected (selection reorders): one array for all windows, since a quantile is
 * read in full before any other window is.
 */
let scratch = new Float32Array(64);

export function createLiveWindow(slices: number, maxSamples: number): LiveWindow {
  return new LiveWindow(slices, maxSamples);
}

/**
 * A class rather than a closure: one per profile key, so its methods live once on the prototype.
 */
export class LiveWindow {
  /** Slice fields in single precision (half the memory); `running` is recomputed from them as slices leave. */
  private readonly s: Float32Array;
  /** Which slice each position holds (slice numbers exceed single precision). */
  private readonly idx: Float64Array;
  private readonly types: (Map<string, number> | null)[];
  /** The slice fields summed over the slices in the window, kept as calls arrive and slices leave. */
  private readonly running = new Float64Array(FIELDS);
  private cur = -Infinity;
  /** Where the live slice sits in the slice ring: worked out once per slice, as a modulo of a slice number is a float modulo. */
  private curPos = 0;
  private ring: Float32Array;
  private head = 0; // oldest held
  private size = 0;
  private threshold = Infinity;
  private slow = 0;

  constructor(
    private readonly slices: number,
    private readonly maxSamples: number,
  ) {
    this.s = new Float32Array(slices * FIELDS);
    this.idx = new Float64Array(slices).fill(-Infinity);
    this.types = new Array(slices).fill(null);
    this.ring = new Float32Array(Math.min(16, maxSamples));
  }

  /** The slice calls are currently added to; -Infinity before the first call. */
  current(): number {
    return this.cur;
  }

  /**
   * Moves the live edge to slice `index`. The slice being left completes first: onComplete runs
   * while it is still the live edge (read it with slice() and the window with sum() and
   * latencyQuantiles()); then the slices that leave the window are dropped.
   */
  advance(index: number, onComplete: (w: LiveWindow, sliceIndex: number) => void): void {
    const cur = this.cur;
    if (index <= cur) return;
    // Only slices that hold something complete; empty ones in a gap are skipped.
    if (cur !== -Infinity && this.idx[this.base(cur) / FIELDS] === cur) onComplete(this, cur);
    const firstKept = index - this.slices + 1;
    const from = cur === -Infinity ? firstKept : cur - this.slices + 1;
    for (let i = from; i < Math.min(firstKept, cur + 1); i++) {
      const b = this.base(i);
      if (this.idx[b / FIELDS] !== i) continue;
      // A leaving slice takes its latencies out of the ring: they are the oldest held.
      this.dropOldest(this.s[b + IN_RING]);
      this.s.fill(0, b, b + FIELDS);
      this.idx[b / FIELDS] = -Infinity;
      this.types[b / FIELDS] = null;
    }
    this.cur = index;
    this.curPos = this.base(index) / FIELDS;
    // Summed afresh rather than subtracted, so rounding never accumulates.
    this.running.fill(0);
    for (let i = index - this.slices + 1; i <= index; i++) {
      const b = this.base(i);
      if (this.idx[b / FIELDS] === i) for (let f = 1; f < FIELDS; f++) this.running[f] += this.s[b + f];
    }
  }

  /** Adds a call ending in slice `index` (in the window, at or before the live edge). */
  add(sample: CallSample, index: number): void {
    if (index < this.cur - this.slices + 1 || index > this.cur) return;
    // Each field is written to the slice and to the window's running sum in place, not through
    // inc(): this runs for every call, and V8 boxes a number passed to a call it does not inline.
    const s = this.s;
    const sum = this.running;
    const b = this.touch(index);
    s[b + CALLS]++;
    sum[CALLS]++;
    if (!sample.ok) {
      s[b + ERRORS]++;
      sum[ERRORS]++;
      const t = (this.types[b / FIELDS] ??= new Map());
      const type = sample.errorType ?? 'unknown_error';
      t.set(type, (t.get(type) ?? 0) + 1);
    } else {
      s[b + Q_CHECKED]++;
      sum[Q_CHECKED]++;
      if (sample.qualityFailed) {
        s[b + Q_FAILED]++;
        sum[Q_FAILED]++;
      }
    }
    if (isKnown(sample.latencyMs)) {
      this.pushLatency(sample.latencyMs);
      // Attributed to the live slice, so latencies leave the ring in the order they entered.
      s[this.touch(this.cur) + IN_RING]++;
      sum[IN_RING]++;
    }
    if (isKnown(sample.tps)) {
      const x = Math.log(sample.tps);
      s[b + TPS_N]++;
      sum[TPS_N]++;
      s[b + TPS_LOG] += x;
      sum[TPS_LOG] += x;
    }
    if (isKnown(sample.costUsd)) {
      const cost = sample.costUsd;
      const x = Math.log(cost);
      s[b + COST_N]++;
      sum[COST_N]++;
      s[b + COST_LOG] += x;
      sum[COST_LOG] += x;
      s[b + COST_SUM] += cost;
      sum[COST_SUM] += cost;
    }
    if (isKnown(sample.inputTokens)) {
      const input = sample.inputTokens;
      // Tokens per request are judged on requests that report input tokens (failed ones may not).
      const x = Math.log(input + (isKnown(sample.outputTokens) ? sample.outputTokens : 0));
      s[b + TIN_N]++;
      sum[TIN_N]++;
      s[b + TIN_SUM] += input;
      sum[TIN_SUM] += input;
      s[b + TOK_N]++;
      sum[TOK_N]++;
      s[b + TOK_LOG] += x;
      sum[TOK_LOG] += x;
    }
    if (isKnown(sample.outputTokens)) {
      s[b + TOUT_N]++;
      sum[TOUT_N]++;
      s[b + TOUT_SUM] += sample.outputTokens;
      sum[TOUT_SUM] += sample.outputTokens;
    }
    if (isKnown(sample.ttftMs)) {
      // Welford on the log of time to first token (per slice only, never summed).
      const x = Math.log(sample.ttftMs);
      const n = ++s[b + TTFT_N];
      const d = x - s[b + TTFT_MEAN];
      s[b + TTFT_MEAN] += d / n;
      s[b + TTFT_M2] += d * (x - s[b + TTFT_MEAN]);
    }
  }

  /** One slice field summed over the window (no allocation: the per-call checks use this). */
  sum(field: number): number {
    return this.running[field];
  }

  /** One field of the live slice (0 when it holds nothing). */
  slice(field: number): number {
    return this.idx[this.curPos] === this.cur ? this.s[this.curPos * FIELDS + field] : 0;
  }

  /** Error counts by type of the live slice, or null when it had no errors. */
  sliceErrorsByType(): Record<string, number> | null {
    const b = this.base(this.cur);
    const t = this.types[b / FIELDS];
    return this.idx[b / FIELDS] === this.cur && t ? Object.fromEntries(t) : null;
  }

  /** Successful-call latencies held, and how many of them exceed the threshold. */
  latencyCount(): number {
    return this.size;
  }

  slowCount(): number {
    return this.slow;
  }

  setThreshold(ms: number): void {
    this.threshold = ms;
    this.slow = 0;
    for (let i = 0; i < this.size; i++) if (this.ring[(this.head + i) % this.ring.length] > ms) this.slow++;
  }

  /** The nearest-rank q-quantile of the held latencies (NaN when none are held). */
  latencyQuantile(q: number): number {
    const out = new Float64Array(1);
    this.latencyQuantiles([q], out);
    return out[0];
  }

  /** The nearest-rank quantiles `qs` (ascending) of the held latencies into `out`; NaN when none are held. */
  latencyQuantiles(qs: readonly number[], out: Float64Array): void {
    // The ring's two runs, oldest first, side by side in the shared scratch array.
    if (scratch.length < this.size) scratch = new Float32Array(Math.max(this.size, 2 * scratch.length));
    const firstRun = Math.min(this.size, this.ring.length - this.head);
    scratch.set(this.ring.subarray(this.head, this.head + firstRun));
    if (firstRun < this.size) scratch.set(this.ring.subarray(0, this.size - firstRun), firstRun);
    selectQuantiles(scratch, this.size, qs, out);
  }

  errorsByType(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = this.cur - this.slices + 1; i <= this.cur; i++) {
      const b = this.base(i);
      const t = this.types[b / FIELDS];
      if (this.idx[b / FIELDS] !== i || !t) continue;
      for (const [k, v] of t) out[k] = (out[k] ?? 0) + v;
    }
    return out;
  }

  private base(index: number): number {
    return (((index % this.slices) + this.slices) % this.slices) * FIELDS;
  }

  /** The slice's fields, cleared first when they still hold an older slice. */
  private touch(index: number): number {
    const pos = index === this.cur ? this.curPos : this.base(index) / FIELDS;
    const b = pos * FIELDS;
    if (this.idx[pos] !== index) {
      // Never a slice still in the window: advance() has taken those out of the running sums.
      this.s.fill(0, b, b + FIELDS);
      this.idx[pos] = index;
      this.types[pos] = null;
    }
    return b;
  }

  private inc(b: number, field: number, by: number): void {
    this.s[b + field] += by;
    this.running[field] += by;
  }

  /** Drops the `n` oldest latencies. */
  private dropOldest(n: number): void {
    for (let i = 0; i < n && this.size > 0; i++) {
      if (this.ring[this.head] > this.threshold) this.slow--;
      this.head = (this.head + 1) % this.ring.length;
      this.size--;
    }
  }

  // Small enough to be inlined into add(): a number passed to a call that is not inlined is boxed.
  private pushLatency(ms: number): void {
    if (this.size === this.ring.length) this.makeRoom();
    this.ring[(this.head + this.size) % this.ring.length] = ms;
    this.size++;
    if (ms > this.threshold) this.slow++;
  }

  /** Grows the full ring, or once it is at maxSamples lets the oldest held latency go. */
  private makeRoom(): void {
    if (this.ring.length < this.maxSamples) {
      const grown = new Float32Array(Math.min(this.maxSamples, this.ring.length * 2));
      for (let i = 0; i < this.size; i++) grown[i] = this.ring[(this.head + i) % this.ring.length];
      this.ring = grown;
      this.head = 0;
      return;
    }
    // Taken from the oldest slice that still has one.
    for (let i = this.cur - this.slices + 1; i <= this.cur; i++) {
      const b = this.base(i);
      if (this.idx[b / FIELDS] === i && this.s[b + IN_RING] > 0) {
        this.inc(b, IN_RING, -1);
        break;
      }
    }
    this.dropOldest(1);
  }
}
