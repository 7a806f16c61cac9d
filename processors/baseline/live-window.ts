// The current window of one key: a ring of slices (counts and sums of calls, errors, tokens per
// second, cost, tokens, time to first token, quality findings) and a ring of the latencies of its
// successful calls, for the window p95. The latency ring is bounded: a busy key judges its most
// recent max_window_samples calls. It also counts how many held latencies exceed a threshold,
// kept up to date on every add and eviction, so the p95 test costs O(1) per call.
import type { CallSample } from './call-sample.ts';

// Slice fields.
const INDEX = 0;
const CALLS = 1;
const ERRORS = 2;
const IN_RING = 3;
const TPS_N = 4;
const TPS_LOG = 5;
const COST_N = 6;
const COST_LOG = 7;
const COST_SUM = 8;
const TOK_N = 9;
const TOK_LOG = 10;
const TIN_N = 11;
const TIN_SUM = 12;
const TOUT_N = 13;
const TOUT_SUM = 14;
const TTFT_N = 15;
const TTFT_MEAN = 16;
const TTFT_M2 = 17;
const Q_CHECKED = 18;
const Q_FAILED = 19;
const FIELDS = 20;

export interface Totals {
  calls: number;
  errors: number;
  tps: { n: number; log: number };
  cost: { n: number; log: number; sum: number };
  /** Input + output tokens per request (log sum), and each side's arithmetic sum. */
  tokens: { n: number; log: number };
  inputTokens: { n: number; sum: number };
  outputTokens: { n: number; sum: number };
}

/** One slice as it left the live edge: its own counts, and the window that ended with it. */
export interface CompletedSlice {
  index: number;
  calls: number;
  errors: number;
  errorsByType: Record<string, number> | null;
  /** Latencies of this slice's successful calls. */
  latencyCount: number;
  /** Sorted latencies of the window that ended with this slice. */
  windowLatencies: Float64Array;
  slice: Totals;
  window: Totals;
  ttft: { n: number; mean: number; m2: number } | null;
  quality: { checked: number; failed: number };
}

export interface LiveWindow {
  /** The slice calls are currently added to; -Infinity before the first call. */
  current(): number;
  /**
   * Moves the live edge to slice `index`, completing the slices it passes (oldest first) and
   * dropping those that leave the window.
   */
  advance(index: number, onComplete: (c: CompletedSlice) => void): void;
  /** Adds a call ending in slice `index` (at or before the live edge). */
  add(sample: CallSample, index: number): void;
  totals(): Totals;
  /** Successful-call latencies held, and how many of them exceed the threshold. */
  latencyCount(): number;
  slowCount(): number;
  setThreshold(ms: number): void;
  /** Sorted copy of the held latencies. */
  sortedLatencies(): Float64Array;
  errorsByType(): Record<string, number>;
}

export function createLiveWindow(slices: number, maxSamples: number): LiveWindow {
  const s = new Float64Array(slices * FIELDS).fill(0);
  for (let i = 0; i < slices; i++) s[i * FIELDS + INDEX] = -Infinity;
  const types: (Map<string, number> | null)[] = new Array(slices).fill(null);
  let cur = -Infinity;
  let ring = new Float32Array(Math.min(32, maxSamples));
  let head = 0; // oldest held
  let size = 0;
  let threshold = Infinity;
  let slow = 0;

  const base = (index: number) => (((index % slices) + slices) % slices) * FIELDS;
  /** The slice's fields, cleared first when they still hold an older slice. */
  const touch = (index: number): number => {
    const b = base(index);
    if (s[b + INDEX] !== index) {
      s.fill(0, b, b + FIELDS);
      s[b + INDEX] = index;
      types[b / FIELDS] = null;
    }
    return b;
  };

  /** Drops the `n` oldest latencies. */
  const dropOldest = (n: number) => {
    for (let i = 0; i < n && size > 0; i++) {
      if (ring[head] > threshold) slow--;
      head = (head + 1) % ring.length;
      size--;
    }
  };

  const pushLatency = (ms: number) => {
    if (size === ring.length && ring.length < maxSamples) {
      const grown = new Float32Array(Math.min(maxSamples, ring.length * 2));
      for (let i = 0; i < size; i++) grown[i] = ring[(head + i) % ring.length];
      ring = grown;
      head = 0;
    }
    if (size === ring.length) {
      // Full: the oldest held latency gives way, taken from the oldest slice that still has one.
      for (let i = cur - slices + 1; i <= cur; i++) {
        const b = base(i);
        if (s[b + INDEX] === i && s[b + IN_RING] > 0) {
          s[b + IN_RING]--;
          break;
        }
      }
      dropOldest(1);
    }
    ring[(head + size) % ring.length] = ms;
    size++;
    if (ms > threshold) slow++;
  };

  const totalsOf = (from: number, to: number): Totals => {
    const t: Totals = {
      calls: 0,
      errors: 0,
      tps: { n: 0, log: 0 },
      cost: { n: 0, log: 0, sum: 0 },
      tokens: { n: 0, log: 0 },
      inputTokens: { n: 0, sum: 0 },
      outputTokens: { n: 0, sum: 0 },
    };
    for (let i = from; i <= to; i++) {
      const b = base(i);
      if (s[b + INDEX] !== i) continue;
      t.calls += s[b + CALLS];
      t.errors += s[b + ERRORS];
      t.tps.n += s[b + TPS_N];
      t.tps.log += s[b + TPS_LOG];
      t.cost.n += s[b + COST_N];
      t.cost.log += s[b + COST_LOG];
      t.cost.sum += s[b + COST_SUM];
      t.tokens.n += s[b + TOK_N];
      t.tokens.log += s[b + TOK_LOG];
      t.inputTokens.n += s[b + TIN_N];
      t.inputTokens.sum += s[b + TIN_SUM];
      t.outputTokens.n += s[b + TOUT_N];
      t.outputTokens.sum += s[b + TOUT_SUM];
    }
    return t;
  };

  const sorted = (): Float64Array => {
    const out = new Float64Array(size);
    for (let i = 0; i < size; i++) out[i] = ring[(head + i) % ring.length];
    return out.sort();
  };

  return {
    current: () => cur,
    advance(index, onComplete) {
      if (index <= cur) return;
      if (cur !== -Infinity) {
        // Only slices that hold something complete; empty ones in a gap are skipped.
        const b = base(cur);
        if (s[b + INDEX] === cur) {
          const ttftN = s[b + TTFT_N];
          onComplete({
            index: cur,
            calls: s[b + CALLS],
            errors: s[b + ERRORS],
            errorsByType: types[b / FIELDS] ? Object.fromEntries(types[b / FIELDS]!) : null,
            latencyCount: s[b + IN_RING],
            windowLatencies: sorted(),
            slice: totalsOf(cur, cur),
            window: totalsOf(cur - slices + 1, cur),
            ttft: ttftN > 0 ? { n: ttftN, mean: s[b + TTFT_MEAN], m2: s[b + TTFT_M2] } : null,
            quality: { checked: s[b + Q_CHECKED], failed: s[b + Q_FAILED] },
          });
        }
      }
      // Slices that leave the window take their latencies out of the ring, oldest first.
      const firstKept = index - slices + 1;
      const from = cur === -Infinity ? firstKept : cur - slices + 1;
      for (let i = from; i < Math.min(firstKept, cur + 1); i++) {
        const b = base(i);
        if (s[b + INDEX] !== i) continue;
        dropOldest(s[b + IN_RING]);
        s.fill(0, b, b + FIELDS);
        s[b + INDEX] = -Infinity;
        types[b / FIELDS] = null;
      }
      cur = index;
    },
    add(sample, index) {
      if (index < cur - slices + 1 || index > cur) return;
      const b = touch(index);
      s[b + CALLS]++;
      if (!sample.ok) {
        s[b + ERRORS]++;
        const t = (types[b / FIELDS] ??= new Map());
        const type = sample.errorType ?? 'unknown_error';
        t.set(type, (t.get(type) ?? 0) + 1);
      } else {
        s[b + Q_CHECKED]++;
        if (sample.qualityFailed) s[b + Q_FAILED]++;
      }
      if (sample.latencyMs !== null) {
        pushLatency(sample.latencyMs);
        // Attributed to the live slice, so latencies leave the ring in the order they entered.
        s[touch(cur) + IN_RING]++;
      }
      if (sample.tps !== null) {
        s[b + TPS_N]++;
        s[b + TPS_LOG] += Math.log(sample.tps);
      }
      if (sample.costUsd !== null) {
        s[b + COST_N]++;
        s[b + COST_LOG] += Math.log(sample.costUsd);
        s[b + COST_SUM] += sample.costUsd;
      }
      if (sample.inputTokens !== null) {
        s[b + TIN_N]++;
        s[b + TIN_SUM] += sample.inputTokens;
      }
      if (sample.outputTokens !== null) {
        s[b + TOUT_N]++;
        s[b + TOUT_SUM] += sample.outputTokens;
      }
      // Tokens per request are judged on requests that report input tokens (failed ones may not).
      if (sample.inputTokens !== null) {
        s[b + TOK_N]++;
        s[b + TOK_LOG] += Math.log(sample.inputTokens + (sample.outputTokens ?? 0));
      }
      if (sample.ttftMs !== null) {
        // Welford on the log of time to first token.
        const x = Math.log(sample.ttftMs);
        const n = ++s[b + TTFT_N];
        const d = x - s[b + TTFT_MEAN];
        s[b + TTFT_MEAN] += d / n;
        s[b + TTFT_M2] += d * (x - s[b + TTFT_MEAN]);
      }
    },
    totals: () => totalsOf(cur - slices + 1, cur),
    latencyCount: () => size,
    slowCount: () => slow,
    setThreshold(ms) {
      threshold = ms;
      slow = 0;
      for (let i = 0; i < size; i++) if (ring[(head + i) % ring.length] > ms) slow++;
    },
    sortedLatencies: sorted,
    errorsByType() {
      const out: Record<string, number> = {};
      for (let i = cur - slices + 1; i <= cur; i++) {
        const b = base(i);
        const t = types[b / FIELDS];
        if (s[b + INDEX] !== i || !t) continue;
        for (const [k, v] of t) out[k] = (out[k] ?? 0) + v;
      }
      return out;
    },
  };
}
