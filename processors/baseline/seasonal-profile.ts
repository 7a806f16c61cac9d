// The learned normal of one key: for each hour of the week, the level of latency (log of the window
// p95) and of the error rate; for each hour of the day and for all hours together, also p50/p99,
// the spread of p95, and output tokens per second; for all hours, time to first token, cost and
// tokens per request, the quality-failure rate and errors by type. Levels are weighted EWMAs: a
// slot's weight decays by its alpha each time the slot comes round again (a week, a day), so new
// data has weight alpha against the past; the all-hours level decays every hour and is what an
// hour never seen falls back to. An hour joins its hour-of-week and hour-of-day slots only once it
// is over, so a slot judges the current hour against earlier passes, never against itself.
// Reading a slot shrinks it towards its fallbacks (hour of week → hour of day → all hours → the
// static thresholds) by weight n/(n+k). Everything sits in one Float32Array: about 4 KB per key.
import { HOURS_PER_DAY, HOURS_PER_WEEK, hourOfDayOfSlot } from './slot.ts';

// Hour-of-week slot fields, from WEEK.
const W_LAT = 0;
const L95 = 1;
const W_CALLS = 2;
const ERR = 3;
const WEEK_FIELDS = 4;

// Hour-of-day fields; the rows after the 24 hours are all hours (ALL) and the hour in progress (HOUR).
const D_W_LAT = 0;
const D_L50 = 1;
const D_L95 = 2;
const D_L99 = 3;
const D_S95 = 4;
const D_W_CALLS = 5;
const D_ERR = 6;
const D_W_TPS = 7;
const D_LTPS = 8;
const D_STPS = 9;
const D_W_S95 = 10; // the spreads have weights of their own: they start later than the levels
const D_W_STPS = 11;
const DAY_FIELDS = 12;

// All-hours extras: [weight, level (log mean), spread] of window geometric means, and arithmetic sums.
const X_W_TTFT = 0;
const X_M_TTFT = 1;
const X_V_TTFT = 2; // decayed sum of squared deviations (Welford)
const X_COST = 3; // W, L, S of cost per request
const X_TOK = 6; // W, L, S of input + output tokens per request
const X_COST_SUM = 9;
const X_COST_N = 10;
const X_TIN_SUM = 11;
const X_TIN_N = 12;
const X_TOUT_SUM = 13;
const X_TOUT_N = 14;
const X_Q_CHECKED = 15;
const X_Q_FAILED = 16;
const EXTRA_FIELDS = 17;

const WEEK = 0;
const DAY = WEEK + HOURS_PER_WEEK * WEEK_FIELDS;
const ALL = DAY + HOURS_PER_DAY * DAY_FIELDS;
const HOUR = ALL + DAY_FIELDS;
const EXTRA = HOUR + DAY_FIELDS;
const SIZE = EXTRA + EXTRA_FIELDS;

// Field lists as constants: a profile is read and folded at every slice end of every key, and a
// literal array there would be allocated each time.
/** The rows a slice folds into: all hours, and the hour in progress. */
const FOLD_ROWS = [ALL, HOUR];
const DAY_QUANTILES = [D_L50, D_L95, D_L99];
/** The weights and counts of a row (levels are means and do not decay): all hours decay every hour. */
const ROW_WEIGHTS = [D_W_LAT, D_W_CALLS, D_ERR, D_W_TPS, D_W_S95, D_W_STPS];
/** Decayed every hour with the all-hours row. */
const EXTRA_DECAYED = [
  X_W_TTFT,
  X_V_TTFT,
  X_COST,
  X_TOK,
  X_COST_SUM,
  X_COST_N,
  X_TIN_SUM,
  X_TIN_N,
  X_TOUT_SUM,
  X_TOUT_N,
  X_Q_CHECKED,
  X_Q_FAILED,
];

/** The all-hours extras that are plain sums. */
const EXTRA_SUMS = [X_COST_SUM, X_COST_N, X_TIN_SUM, X_TIN_N, X_TOUT_SUM, X_TOUT_N, X_Q_CHECKED, X_Q_FAILED];

const STATE_VERSION = 2;
/** samples, hour in progress (index), its slot, last hour the all-hours level decayed. */
const HEAD_FIELDS = 4;
/** Shape assumed for the static prior: a lognormal of sigma 0.5 (p50 and p99 relative to p95). */
const PRIOR_P50_SHIFT = -0.82;
const PRIOR_P99_SHIFT = 0.34;
/** Spread assumed before any is learned (log units: about ±20 %). */
const PRIOR_SPREAD = 0.2;
/** How far an hour never seen may sit from the all-hours level, before hours of the day are learned. */
const PRIOR_SEASONAL_SPREAD = 0.3;

/** What one slice adds to the profile, once it has left the window: flat numbers, no nesting. */
export interface SliceFold {
  slot: number;
  hour: number;
  calls: number;
  errors: number;
  errorsByType: Readonly<Record<string, number>> | null;
  /** Latencies of the window that ended with the slice: weight (the slice's calls) and log p50/p95/p99; weight 0 for none. */
  latencyWeight: number;
  l50: number;
  l95: number;
  l99: number;
  /** Window geometric means (log) with the slice's count as weight; weight 0 for none. */
  tpsWeight: number;
  tpsLevel: number;
  costWeight: number;
  costLevel: number;
  tokensWeight: number;
  tokensLevel: number;
  /** The slice's arithmetic sums. */
  costSum: number;
  costN: number;
  inputSum: number;
  inputN: number;
  outputSum: number;
  outputN: number;
  /** The slice's log time to first token: count, mean, sum of squared deviations. */
  ttftN: number;
  ttftMean: number;
  ttftM2: number;
  qualityChecked: number;
  qualityFailed: number;
  /** Parts kept out of the levels while a deviation of theirs lasts. */
  excludeLatency: boolean;
  excludeErrors: boolean;
  excludeTps: boolean;
  excludeSpend: boolean;
}

/** What the profile expects for one hour of the week. */
export interface SlotEstimate {
  slot: number;
  /** Log of the baseline window p50/p95/p99 (ms). */
  l50: number;
  l95: number;
  l99: number;
  /** Learned spread of the log window p95. */
  s95: number;
  errorRate: number;
  /** Log of output tokens per second; null until learned. */
  ltps: number | null;
  stps: number;
  /**
   * Log margin for seasonality the profile cannot see yet: how far hours of the day sit from the
   * all-hours level, times the share of this estimate that fell back past its hour of day.
   */
  unseen: number;
}

export interface GlobalEstimate {
  ttftP50: number | null;
  ttftP95: number | null;
  /** Log level and spread of the window geometric mean, and the arithmetic mean. */
  cost: { level: number; spread: number; mean: number } | null;
  tokens: { level: number; spread: number } | null;
  inputTokensMean: number | null;
  outputTokensMean: number | null;
  qualityFailureRate: number | null;
  errorsByType: Record<string, number>;
}

export interface ProfileSettings {
  shrinkage: number;
  alphaWeek: number;
  alphaDay: number;
  alphaHour: number;
  staticLogP95: number;
  staticErrorRate: number;
}

export function createSeasonalProfile(settings: ProfileSettings, from?: Uint8Array): SeasonalProfile {
  return new SeasonalProfile(settings, from);
}

/**
 * A class rather than a closure: one per profile key, so its methods live once on the prototype
 * (200 keys must fit in a megabyte).
 */
export class SeasonalProfile {
  private readonly d = new Float32Array(SIZE);
  private readonly head = new Float64Array([0, -1, -1, -1]);
  private readonly errorTypes = new Map<string, number>();
  private cached: SlotEstimate | null = null;

  constructor(
    private readonly settings: ProfileSettings,
    from?: Uint8Array,
  ) {
    if (from) decodeInto(from, this.head, this.d, this.errorTypes);
  }

  /** Calls seen over the profile's life (not decayed). */
  samples(): number {
    return this.head[0];
  }

  addSamples(n: number): void {
    this.head[0] += n;
  }

  fold(f: SliceFold): void {
    const d = this.d;
    const k = this.settings.shrinkage;
    if (f.hour !== this.head[1]) {
      this.commitHour();
      this.head[1] = f.hour;
      this.head[2] = f.slot;
    }
    this.decayAllHours(f.hour);
    this.cached = null;
    // Residuals against what the profile expected, once it expects something of its own.
    const expected = d[ALL + D_W_LAT] >= k || d[ALL + D_W_TPS] >= k ? this.estimate(f.slot) : null;
    this.cached = null;
    if (f.latencyWeight > 0 && !f.excludeLatency) {
      const w = f.latencyWeight;
      const residual = expected && d[ALL + D_W_LAT] >= k ? Math.abs(f.l95 - expected.l95) : null;
      for (const b of FOLD_ROWS) {
        mix(d, b + D_W_LAT, b + D_L50, f.l50, w);
        mix(d, b + D_W_LAT, b + D_L95, f.l95, w);
        mix(d, b + D_W_LAT, b + D_L99, f.l99, w);
        d[b + D_W_LAT] += w;
        if (residual === null) continue;
        mix(d, b + D_W_S95, b + D_S95, residual, w);
        d[b + D_W_S95] += w;
      }
    }
    if (f.calls > 0 && !f.excludeErrors) {
      for (const b of FOLD_ROWS) {
        d[b + D_W_CALLS] += f.calls;
        d[b + D_ERR] += f.errors;
      }
      if (f.errorsByType) for (const [t, c] of Object.entries(f.errorsByType)) this.errorTypes.set(t, (this.errorTypes.get(t) ?? 0) + c);
    }
    if (f.tpsWeight > 0 && !f.excludeTps) {
      const w = f.tpsWeight;
      const residual = expected?.ltps != null && d[ALL + D_W_TPS] >= k ? Math.abs(f.tpsLevel - expected.ltps) : null;
      for (const b of FOLD_ROWS) {
        mix(d, b + D_W_TPS, b + D_LTPS, f.tpsLevel, w);
        d[b + D_W_TPS] += w;
        if (residual === null) continue;
        mix(d, b + D_W_STPS, b + D_STPS, residual, w);
        d[b + D_W_STPS] += w;
      }
    }
    if (!f.excludeSpend) {
      foldLevel(d, EXTRA + X_COST, f.costWeight, f.costLevel, k);
      foldLevel(d, EXTRA + X_TOK, f.tokensWeight, f.tokensLevel, k);
      d[EXTRA + X_COST_SUM] += f.costSum;
      d[EXTRA + X_COST_N] += f.costN;
      d[EXTRA + X_TIN_SUM] += f.inputSum;
      d[EXTRA + X_TIN_N] += f.inputN;
      d[EXTRA + X_TOUT_SUM] += f.outputSum;
      d[EXTRA + X_TOUT_N] += f.outputN;
    }
    if (f.ttftN > 0) {
      // Chan et al.'s parallel update of mean and sum of squared deviations, on decayed weights.
      const n = d[EXTRA + X_W_TTFT];
      const total = n + f.ttftN;
      const delta = f.ttftMean - d[EXTRA + X_M_TTFT];
      d[EXTRA + X_M_TTFT] += (delta * f.ttftN) / total;
      d[EXTRA + X_V_TTFT] += f.ttftM2 + (delta * delta * n * f.ttftN) / total;
      d[EXTRA + X_W_TTFT] = total;
    }
    d[EXTRA + X_Q_CHECKED] += f.qualityChecked;
    d[EXTRA + X_Q_FAILED] += f.qualityFailed;
  }

  estimate(slot: number): SlotEstimate {
    if (this.cached !== null && this.cached.slot === slot) return this.cached;
    const d = this.d;
    const { shrinkage: k, staticLogP95, staticErrorRate } = this.settings;
    const wb = WEEK + slot * WEEK_FIELDS;
    const db = DAY + hourOfDayOfSlot(slot) * DAY_FIELDS;
    const dayL95 = dayLevel(d, db, D_W_LAT, D_L95, staticLogP95, k);
    const weekWeight = shrink(d[wb + W_LAT], k);
    const l95 = weekWeight * d[wb + L95] + (1 - weekWeight) * dayL95;
    const shift = l95 - dayL95; // what the hour of the week adds to its hour of day
    const seen = weekWeight + (1 - weekWeight) * shrink(d[db + D_W_LAT], k);
    const allRate =
      shrink(d[ALL + D_W_CALLS], k) * rate(d[ALL + D_W_CALLS], d[ALL + D_ERR]) + (1 - shrink(d[ALL + D_W_CALLS], k)) * staticErrorRate;
    const hodRate = shrink(d[db + D_W_CALLS], k) * rate(d[db + D_W_CALLS], d[db + D_ERR]) + (1 - shrink(d[db + D_W_CALLS], k)) * allRate;
    const wCalls = shrink(d[wb + W_CALLS], k);
    const tpsWeight = d[ALL + D_W_TPS];
    const hodTps = shrink(d[db + D_W_TPS], k);
    this.cached = {
      slot,
      unseen: (1 - seen) * this.seasonalSpread(),
      l50: dayLevel(d, db, D_W_LAT, D_L50, staticLogP95 + PRIOR_P50_SHIFT, k) + shift,
      l95,
      l99: dayLevel(d, db, D_W_LAT, D_L99, staticLogP95 + PRIOR_P99_SHIFT, k) + shift,
      s95: dayLevel(d, db, D_W_S95, D_S95, PRIOR_SPREAD, k),
      errorRate: wCalls * rate(d[wb + W_CALLS], d[wb + ERR]) + (1 - wCalls) * hodRate,
      // No static prior for throughput: the all-hours level is the last fallback.
      ltps: tpsWeight > 0 ? hodTps * d[db + D_LTPS] + (1 - hodTps) * d[ALL + D_LTPS] : null,
      stps: dayLevel(d, db, D_W_STPS, D_STPS, PRIOR_SPREAD, k),
    };
    return this.cached;
  }

  global(): GlobalEstimate {
    const d = this.d;
    const k = this.settings.shrinkage;
    const w = d[EXTRA + X_W_TTFT];
    const sd = w > 1 ? Math.sqrt(d[EXTRA + X_V_TTFT] / w) : 0;
    const totalCalls = d[ALL + D_W_CALLS];
    const byType: Record<string, number> = {};
    if (totalCalls > 0) for (const [t, c] of this.errorTypes) byType[t] = c / totalCalls;
    return {
      ttftP50: w > 0 ? Math.exp(d[EXTRA + X_M_TTFT]) : null,
      ttftP95: w > 0 ? Math.exp(d[EXTRA + X_M_TTFT] + 1.645 * sd) : null,
      cost:
        d[EXTRA + X_COST] > 0
          ? { level: d[EXTRA + X_COST + 1], spread: shrunkSpread(d, EXTRA + X_COST, k), mean: extraRatio(d, X_COST_SUM, X_COST_N) ?? 0 }
          : null,
      tokens: d[EXTRA + X_TOK] > 0 ? { level: d[EXTRA + X_TOK + 1], spread: shrunkSpread(d, EXTRA + X_TOK, k) } : null,
      inputTokensMean: extraRatio(d, X_TIN_SUM, X_TIN_N),
      outputTokensMean: extraRatio(d, X_TOUT_SUM, X_TOUT_N),
      qualityFailureRate: d[EXTRA + X_Q_CHECKED] > 0 ? d[EXTRA + X_Q_FAILED] / d[EXTRA + X_Q_CHECKED] : null,
      errorsByType: byType,
    };
  }

  /** The latest hour (index) the profile has learned from; -1 before any. */
  hour(): number {
    return Math.max(this.head[1], this.head[3]);
  }

  /**
   * Brings the profile to `hour` as if no calls had come since: the hour in progress joins its
   * slots and the all-hours level decays, so profiles last fed at different hours merge in step.
   */
  advanceTo(hour: number, slot: number): void {
    const from = this.head[1];
    if (from < 0 || hour <= from) return;
    this.commitHour();
    // Slots decay as their hour comes round with calls; here no calls came, so each hour-of-day
    // and hour-of-week slot decays by the days and weeks gone by (weights only: levels stay).
    const keepDay = (1 - this.settings.alphaDay) ** Math.floor((hour - from) / HOURS_PER_DAY);
    const keepWeek = (1 - this.settings.alphaWeek) ** Math.floor((hour - from) / HOURS_PER_WEEK);
    const d = this.d;
    if (keepWeek < 1)
      for (let at = WEEK; at < DAY; at += WEEK_FIELDS) {
        d[at + W_LAT] *= keepWeek;
        d[at + W_CALLS] *= keepWeek;
        d[at + ERR] *= keepWeek;
      }
    if (keepDay < 1) for (let at = DAY; at < ALL; at += DAY_FIELDS) for (const f of ROW_WEIGHTS) d[at + f] *= keepDay;
    this.head[1] = hour;
    this.head[2] = slot;
    this.decayAllHours(hour);
    this.cached = null;
  }

  /**
   * Adds another profile of the same key, learned from other calls and brought to the same hour
   * (advanceTo): weights and counts add, each level becomes the weighted mean of the two, as one
   * profile fed both sets of slices would hold (the learned spreads approximately so).
   */
  absorb(o: SeasonalProfile): void {
    const a = this.d;
    const b = o.d;
    for (let s = 0; s < HOURS_PER_WEEK; s++) {
      const at = WEEK + s * WEEK_FIELDS;
      combine(a, b, at + W_LAT, at + L95);
      a[at + W_CALLS] += b[at + W_CALLS];
      a[at + ERR] += b[at + ERR];
    }
    // The hours of the day, then all hours and the hour in progress: rows of the same layout.
    for (let at = DAY; at < EXTRA; at += DAY_FIELDS) {
      combine(a, b, at + D_W_S95, at + D_S95);
      combine(a, b, at + D_W_STPS, at + D_STPS);
      combine(a, b, at + D_W_TPS, at + D_LTPS);
      combine(a, b, at + D_W_LAT, at + D_L50, at + D_L95, at + D_L99);
      a[at + D_W_CALLS] += b[at + D_W_CALLS];
      a[at + D_ERR] += b[at + D_ERR];
    }
    const n = a[EXTRA + X_W_TTFT];
    const m = b[EXTRA + X_W_TTFT];
    if (m > 0) {
      // Chan et al.'s parallel merge, as fold() does for a slice.
      const delta = b[EXTRA + X_M_TTFT] - a[EXTRA + X_M_TTFT];
      a[EXTRA + X_M_TTFT] += (delta * m) / (n + m);
      a[EXTRA + X_V_TTFT] += b[EXTRA + X_V_TTFT] + (delta * delta * n * m) / (n + m);
      a[EXTRA + X_W_TTFT] = n + m;
    }
    combine(a, b, EXTRA + X_COST, EXTRA + X_COST + 1, EXTRA + X_COST + 2);
    combine(a, b, EXTRA + X_TOK, EXTRA + X_TOK + 1, EXTRA + X_TOK + 2);
    for (const f of EXTRA_SUMS) a[EXTRA + f] += b[EXTRA + f];
    for (const [t, c] of o.errorTypes) this.errorTypes.set(t, (this.errorTypes.get(t) ?? 0) + c);
    this.head[0] += o.head[0];
    if (o.head[1] > this.head[1]) {
      this.head[1] = o.head[1];
      this.head[2] = o.head[2];
    }
    this.head[3] = Math.max(this.head[3], o.head[3]);
    this.cached = null;
  }

  encode(): Uint8Array {
    const typeBytes = new TextEncoder().encode(JSON.stringify(Object.fromEntries(this.errorTypes)));
    const bytes = new Uint8Array(8 + HEAD_FIELDS * 8 + SIZE * 4 + typeBytes.length);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, STATE_VERSION, true);
    view.setUint16(2, HEAD_FIELDS, true);
    view.setUint32(4, SIZE, true);
    let at = 8;
    for (const v of this.head) {
      view.setFloat64(at, v, true);
      at += 8;
    }
    for (const v of this.d) {
      view.setFloat32(at, v, true);
      at += 4;
    }
    bytes.set(typeBytes, at);
    return bytes;
  }

  /** The hour in progress joins its hour-of-week and hour-of-day slots, each decayed first. */
  private commitHour(): void {
    const slot = this.head[2];
    if (slot < 0) return;
    const d = this.d;
    const wb = WEEK + slot * WEEK_FIELDS;
    const db = DAY + hourOfDayOfSlot(slot) * DAY_FIELDS;
    const keepWeek = 1 - this.settings.alphaWeek;
    const keepDay = 1 - this.settings.alphaDay;
    const wLat = d[HOUR + D_W_LAT];
    if (wLat > 0) {
      d[wb + W_LAT] *= keepWeek;
      mix(d, wb + W_LAT, wb + L95, d[HOUR + D_L95], wLat);
      d[wb + W_LAT] += wLat;
      d[db + D_W_LAT] *= keepDay;
      for (const f of DAY_QUANTILES) mix(d, db + D_W_LAT, db + f, d[HOUR + f], wLat);
      d[db + D_W_LAT] += wLat;
    }
    mergeWeighted(d, db + D_W_S95, db + D_S95, HOUR + D_W_S95, HOUR + D_S95, keepDay);
    const calls = d[HOUR + D_W_CALLS];
    if (calls > 0) {
      d[wb + W_CALLS] = d[wb + W_CALLS] * keepWeek + calls;
      d[wb + ERR] = d[wb + ERR] * keepWeek + d[HOUR + D_ERR];
      d[db + D_W_CALLS] = d[db + D_W_CALLS] * keepDay + calls;
      d[db + D_ERR] = d[db + D_ERR] * keepDay + d[HOUR + D_ERR];
    }
    mergeWeighted(d, db + D_W_TPS, db + D_LTPS, HOUR + D_W_TPS, HOUR + D_LTPS, keepDay);
    mergeWeighted(d, db + D_W_STPS, db + D_STPS, HOUR + D_W_STPS, HOUR + D_STPS, keepDay);
    d.fill(0, HOUR, HOUR + DAY_FIELDS);
  }

  private decayAllHours(hour: number): void {
    const last = this.head[3];
    if (hour <= last) return;
    const keep = last < 0 ? 1 : (1 - this.settings.alphaHour) ** Math.min(hour - last, 24 * 7 * 4);
    const d = this.d;
    for (const f of ROW_WEIGHTS) d[ALL + f] *= keep;
    for (const f of EXTRA_DECAYED) d[EXTRA + f] *= keep;
    for (const [t, c] of this.errorTypes) {
      if (c * keep < 0.01) this.errorTypes.delete(t);
      else this.errorTypes.set(t, c * keep);
    }
    this.head[3] = hour;
  }

  /** Mean distance of the learned hours of the day from the all-hours p95 level, shrunk to a prior. */
  private seasonalSpread(): number {
    const d = this.d;
    let sum = 0;
    let hours = 0;
    for (let h = 0; h < HOURS_PER_DAY; h++) {
      const b = DAY + h * DAY_FIELDS;
      if (d[b + D_W_LAT] < this.settings.shrinkage) continue;
      sum += Math.abs(d[b + D_L95] - d[ALL + D_L95]);
      hours++;
    }
    const w = hours / (hours + HOURS_PER_DAY);
    return w * (hours > 0 ? sum / hours : 0) + (1 - w) * PRIOR_SEASONAL_SPREAD;
  }
}

/** A slot's share of an estimate against its fallback: weight n/(n+k). */
function shrink(w: number, k: number): number {
  return w / (w + k);
}

/** A level of the hour of the day at db, shrunk towards all hours, shrunk in turn towards the prior (innermost fallback first). */
function dayLevel(d: Float32Array, db: number, wf: number, f: number, prior: number, k: number): number {
  const all = shrink(d[ALL + wf], k) * d[ALL + f] + (1 - shrink(d[ALL + wf], k)) * prior;
  return shrink(d[db + wf], k) * d[db + f] + (1 - shrink(d[db + wf], k)) * all;
}

function rate(calls: number, errors: number): number {
  return calls > 0 ? errors / calls : 0;
}

/** An arithmetic mean of the all-hours extras; null before any count. */
function extraRatio(d: Float32Array, sumAt: number, nAt: number): number | null {
  return d[EXTRA + nAt] > 0 ? d[EXTRA + sumAt] / d[EXTRA + nAt] : null;
}

/** Weight at wAt becomes the sum of a's and b's; the levels at `levels` their weighted mean. */
function combine(a: Float32Array, b: Float32Array, wAt: number, ...levels: number[]): void {
  const wa = a[wAt];
  const wb = b[wAt];
  if (!(wb > 0)) return;
  for (const at of levels) a[at] = (wa * a[at] + wb * b[at]) / (wa + wb);
  a[wAt] = wa + wb;
}

/** Moves the level at lAt towards x by weight w against the weight at wAt (which the caller then adds w to). */
function mix(a: Float32Array, wAt: number, lAt: number, x: number, w: number): void {
  const total = a[wAt] + w;
  if (total > 0) a[lAt] += (w / total) * (x - a[lAt]);
}

/** Decays the level at (wAt, lAt) by `keep`, then mixes in the hour's level at (hwAt, hlAt). */
function mergeWeighted(a: Float32Array, wAt: number, lAt: number, hwAt: number, hlAt: number, keep: number): void {
  const w = a[hwAt];
  if (!(w > 0)) return;
  a[wAt] *= keep;
  mix(a, wAt, lAt, a[hlAt], w);
  a[wAt] += w;
}

/** Folds a window's geometric mean (weight, log level) into [W, L, S] at `at`. */
function foldLevel(a: Float32Array, at: number, weight: number, level: number, k: number): void {
  if (!(weight > 0)) return;
  const hadEnough = a[at] >= k;
  const residual = level - a[at + 1];
  const total = a[at] + weight;
  a[at + 1] += (weight / total) * (level - a[at + 1]);
  a[at] = total;
  if (hadEnough) a[at + 2] += (weight / total) * (Math.abs(residual) - a[at + 2]);
}

function shrunkSpread(a: Float32Array, at: number, k: number): number {
  const s = a[at] / (a[at] + k);
  return s * a[at + 2] + (1 - s) * PRIOR_SPREAD;
}

export class ProfileDecodeError extends Error {
  readonly code = 'FL_PROFILE_DECODE';
  constructor(message: string) {
    super(message);
    this.name = 'ProfileDecodeError';
  }
}

function decodeInto(bytes: Uint8Array, head: Float64Array, d: Float32Array, errorTypes: Map<string, number>): void {
  if (bytes.length < 8) throw new ProfileDecodeError(`A stored profile needs at least 8 bytes, got ${bytes.length}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(0, true);
  if (version !== STATE_VERSION) throw new ProfileDecodeError(`Stored profile format ${version} is not this build's (${STATE_VERSION}).`);
  if (view.getUint16(2, true) !== HEAD_FIELDS || view.getUint32(4, true) !== SIZE)
    throw new ProfileDecodeError('Stored profile has another layout than this build.');
  const fixed = 8 + HEAD_FIELDS * 8 + SIZE * 4;
  if (bytes.length < fixed) throw new ProfileDecodeError(`Stored profile is cut short (${bytes.length} of at least ${fixed} bytes).`);
  let at = 8;
  for (let i = 0; i < HEAD_FIELDS; i++, at += 8) head[i] = view.getFloat64(at, true);
  for (let i = 0; i < SIZE; i++, at += 4) {
    const v = view.getFloat32(at, true);
    if (!Number.isFinite(v)) throw new ProfileDecodeError('Stored profile holds a value that is not a finite number.');
    d[i] = v;
  }
  let types: unknown;
  try {
    types = JSON.parse(new TextDecoder().decode(bytes.subarray(at)));
  } catch {
    throw new ProfileDecodeError('Stored profile error types are not JSON.');
  }
  if (typeof types !== 'object' || types === null) throw new ProfileDecodeError('Stored profile error types are not an object.');
  for (const [t, c] of Object.entries(types)) if (typeof c === 'number' && Number.isFinite(c) && c > 0) errorTypes.set(t, c);
}
