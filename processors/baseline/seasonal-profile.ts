// The learned normal of one key: for each hour of the week, the level of latency (log of the window
// p95) and of the error rate; for each hour of the day and for all hours together, also p50/p99,
// the spread of p95, and output tokens per second; for all hours, time to first token, cost and
// tokens per request, the quality-failure rate and errors by type. Levels are weighted EWMAs: a
// slot's weight decays by its alpha each time the slot comes round again (a week, a day, an hour),
// so new data has weight alpha against the past. Reading a slot shrinks it towards its fallbacks
// (hour of week → hour of day → all hours → the static thresholds) by weight n/(n+k).
// Everything sits in typed arrays: about 4 KB per key.
import { HOURS_PER_DAY, HOURS_PER_WEEK, hourOfDayOfSlot } from './slot.ts';

// Hour-of-week slot fields.
const W_LAT = 0;
const L95 = 1;
const W_CALLS = 2;
const ERR = 3;
const WEEK_FIELDS = 4;

// Hour-of-day and all-hours fields (index HOURS_PER_DAY is all hours).
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
const ALL = HOURS_PER_DAY;
const HOUR = HOURS_PER_DAY + 1;

// All-hours extras: [weight, level (log mean), spread] of window geometric means, plus arithmetic sums.
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

const STATE_VERSION = 1;
/** Shape assumed for the static prior: a lognormal of sigma 0.5 (p50 and p99 relative to p95). */
const PRIOR_P50_SHIFT = -0.82;
const PRIOR_P99_SHIFT = 0.34;
/** Spread assumed before any is learned (log units: about ±20 %). */
const PRIOR_SPREAD = 0.2;
/** How far an hour never seen may sit from the all-hours level, before hours of the day are learned. */
const PRIOR_SEASONAL_SPREAD = 0.3;

export interface WindowLevels {
  /** Weight (calls) and logs of the window's p50/p95/p99. */
  weight: number;
  l50: number;
  l95: number;
  l99: number;
}

export interface MeanLog {
  weight: number;
  /** Mean of log values over the window. */
  level: number;
}

export interface SliceFold {
  atMs: number;
  slot: number;
  hour: number;
  calls: number;
  errors: number;
  errorsByType: Readonly<Record<string, number>> | null;
  latency: WindowLevels | null;
  tps: MeanLog | null;
  /** Window geometric mean of cost per request. */
  cost: MeanLog | null;
  /** This slice's cost: sum and count of calls that had one. */
  costTotal: { sum: number; n: number };
  /** Window geometric mean of input + output tokens per request. */
  tokens: MeanLog | null;
  inputTokens: { sum: number; n: number };
  outputTokens: { sum: number; n: number };
  ttft: { n: number; mean: number; m2: number } | null;
  quality: { checked: number; failed: number };
  /** Parts kept out of the levels while a deviation of theirs lasts. */
  exclude: { latency: boolean; errors: boolean; tps: boolean; spend: boolean };
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

export interface SeasonalProfile {
  fold(f: SliceFold): void;
  estimate(slot: number): SlotEstimate;
  global(): GlobalEstimate;
  /** Calls seen over the profile's life (not decayed). */
  samples(): number;
  addSamples(n: number): void;
  encode(): Uint8Array;
}

export function createSeasonalProfile(settings: ProfileSettings, from?: Uint8Array): SeasonalProfile {
  const week = new Float32Array(HOURS_PER_WEEK * WEEK_FIELDS);
  // Rows 0–23: hours of the day; ALL: all hours; HOUR: the clock hour in progress.
  const day = new Float32Array((HOURS_PER_DAY + 2) * DAY_FIELDS);
  const extra = new Float32Array(EXTRA_FIELDS);
  const errorTypes = new Map<string, number>();
  // samples, hour in progress (index), its hour-of-week slot, last hour the all-hours level decayed
  const head = new Float64Array([0, -1, -1, -1]);
  if (from) decodeInto(from, head, week, day, extra, errorTypes);

  const k = settings.shrinkage;
  const shrink = (w: number) => w / (w + k);
  let cached: SlotEstimate | null = null;
  const gb = ALL * DAY_FIELDS;
  const hb = HOUR * DAY_FIELDS;

  /** Weighted mean of a level at `at` in row `b` towards x by weight w (weight field wAt). */
  const mix = (a: Float32Array, wAt: number, lAt: number, x: number, w: number) => {
    const total = a[wAt] + w;
    if (total > 0) a[lAt] += (w / total) * (x - a[lAt]);
  };

  // The hour's figures join its hour-of-week and hour-of-day slots only once the hour is over,
  // so a slot judges the current hour against earlier passes, never against the hour itself.
  const commitHour = () => {
    const slot = head[2];
    if (slot < 0) return;
    const wb = slot * WEEK_FIELDS;
    const db = hourOfDayOfSlot(slot) * DAY_FIELDS;
    const keepWeek = 1 - settings.alphaWeek;
    const keepDay = 1 - settings.alphaDay;
    const wLat = day[hb + D_W_LAT];
    if (wLat > 0) {
      week[wb + W_LAT] *= keepWeek;
      mix(week, wb + W_LAT, wb + L95, day[hb + D_L95], wLat);
      week[wb + W_LAT] += wLat;
      day[db + D_W_LAT] *= keepDay;
      for (const f of [D_L50, D_L95, D_L99]) mix(day, db + D_W_LAT, db + f, day[hb + f], wLat);
      day[db + D_W_LAT] += wLat;
    }
    mergeWeighted(db + D_W_S95, db + D_S95, hb + D_W_S95, hb + D_S95, keepDay);
    const calls = day[hb + D_W_CALLS];
    if (calls > 0) {
      week[wb + W_CALLS] = week[wb + W_CALLS] * keepWeek + calls;
      week[wb + ERR] = week[wb + ERR] * keepWeek + day[hb + D_ERR];
      day[db + D_W_CALLS] = day[db + D_W_CALLS] * keepDay + calls;
      day[db + D_ERR] = day[db + D_ERR] * keepDay + day[hb + D_ERR];
    }
    const wTps = day[hb + D_W_TPS];
    if (wTps > 0) {
      day[db + D_W_TPS] *= keepDay;
      mix(day, db + D_W_TPS, db + D_LTPS, day[hb + D_LTPS], wTps);
      day[db + D_W_TPS] += wTps;
    }
    mergeWeighted(db + D_W_STPS, db + D_STPS, hb + D_W_STPS, hb + D_STPS, keepDay);
    day.fill(0, hb, hb + DAY_FIELDS);
  };

  /** Decays the level at (wAt, lAt) by `keep`, then mixes in the hour's level at (hwAt, hlAt). */
  const mergeWeighted = (wAt: number, lAt: number, hwAt: number, hlAt: number, keep: number) => {
    const w = day[hwAt];
    if (!(w > 0)) return;
    day[wAt] *= keep;
    mix(day, wAt, lAt, day[hlAt], w);
    day[wAt] += w;
  };

  const decayAllHours = (hour: number) => {
    if (hour <= head[3]) return;
    const keep = head[3] < 0 ? 1 : (1 - settings.alphaHour) ** Math.min(hour - head[3], 24 * 7 * 4);
    for (const f of [D_W_LAT, D_W_CALLS, D_ERR, D_W_TPS, D_W_S95, D_W_STPS]) day[gb + f] *= keep;
    for (const f of [X_W_TTFT, X_V_TTFT, X_COST, X_TOK, X_COST_SUM, X_COST_N, X_TIN_SUM, X_TIN_N, X_TOUT_SUM, X_TOUT_N]) extra[f] *= keep;
    extra[X_Q_CHECKED] *= keep;
    extra[X_Q_FAILED] *= keep;
    for (const [t, c] of errorTypes) {
      if (c * keep < 0.01) errorTypes.delete(t);
      else errorTypes.set(t, c * keep);
    }
    head[3] = hour;
  };

  /** Mean distance of the learned hours of the day from the all-hours p95 level, shrunk to a prior. */
  const seasonalSpread = () => {
    let sum = 0;
    let hours = 0;
    for (let h = 0; h < HOURS_PER_DAY; h++) {
      const b = h * DAY_FIELDS;
      if (day[b + D_W_LAT] < k) continue;
      sum += Math.abs(day[b + D_L95] - day[gb + D_L95]);
      hours++;
    }
    const w = hours / (hours + HOURS_PER_DAY);
    return w * (hours > 0 ? sum / hours : 0) + (1 - w) * PRIOR_SEASONAL_SPREAD;
  };

  const profile: SeasonalProfile = {
    fold(f) {
      if (f.hour !== head[1]) {
        commitHour();
        head[1] = f.hour;
        head[2] = f.slot;
      }
      decayAllHours(f.hour);
      cached = null;
      // Residuals against what the profile expected, once it expects something of its own.
      const expected = day[gb + D_W_LAT] >= k || day[gb + D_W_TPS] >= k ? profile.estimate(f.slot) : null;
      cached = null;
      if (f.latency && f.latency.weight > 0 && !f.exclude.latency) {
        const w = f.latency.weight;
        const residual = expected && day[gb + D_W_LAT] >= k ? Math.abs(f.latency.l95 - expected.l95) : null;
        for (const b of [gb, hb]) {
          mix(day, b + D_W_LAT, b + D_L50, f.latency.l50, w);
          mix(day, b + D_W_LAT, b + D_L95, f.latency.l95, w);
          mix(day, b + D_W_LAT, b + D_L99, f.latency.l99, w);
          day[b + D_W_LAT] += w;
          if (residual === null) continue;
          mix(day, b + D_W_S95, b + D_S95, residual, w);
          day[b + D_W_S95] += w;
        }
      }
      if (f.calls > 0 && !f.exclude.errors) {
        for (const b of [gb, hb]) {
          day[b + D_W_CALLS] += f.calls;
          day[b + D_ERR] += f.errors;
        }
        if (f.errorsByType) for (const [t, c] of Object.entries(f.errorsByType)) errorTypes.set(t, (errorTypes.get(t) ?? 0) + c);
      }
      if (f.tps && f.tps.weight > 0 && !f.exclude.tps) {
        const w = f.tps.weight;
        const residual = expected?.ltps != null && day[gb + D_W_TPS] >= k ? Math.abs(f.tps.level - expected.ltps) : null;
        for (const b of [gb, hb]) {
          mix(day, b + D_W_TPS, b + D_LTPS, f.tps.level, w);
          day[b + D_W_TPS] += w;
          if (residual === null) continue;
          mix(day, b + D_W_STPS, b + D_STPS, residual, w);
          day[b + D_W_STPS] += w;
        }
      }
      if (!f.exclude.spend) {
        foldLevel(extra, X_COST, f.cost, k);
        foldLevel(extra, X_TOK, f.tokens, k);
        extra[X_COST_SUM] += f.costTotal.sum;
        extra[X_COST_N] += f.costTotal.n;
        extra[X_TIN_SUM] += f.inputTokens.sum;
        extra[X_TIN_N] += f.inputTokens.n;
        extra[X_TOUT_SUM] += f.outputTokens.sum;
        extra[X_TOUT_N] += f.outputTokens.n;
      }
      if (f.ttft && f.ttft.n > 0) {
        // Chan et al.'s parallel update of mean and sum of squared deviations, on decayed weights.
        const n = extra[X_W_TTFT];
        const total = n + f.ttft.n;
        const delta = f.ttft.mean - extra[X_M_TTFT];
        extra[X_M_TTFT] += (delta * f.ttft.n) / total;
        extra[X_V_TTFT] += f.ttft.m2 + (delta * delta * n * f.ttft.n) / total;
        extra[X_W_TTFT] = total;
      }
      extra[X_Q_CHECKED] += f.quality.checked;
      extra[X_Q_FAILED] += f.quality.failed;
    },

    estimate(slot) {
      if (cached !== null && cached.slot === slot) return cached;
      const wb = slot * WEEK_FIELDS;
      const db = hourOfDayOfSlot(slot) * DAY_FIELDS;
      const chain = (levels: [number, number][], prior: number) => {
        // Innermost fallback first: prior ← all hours ← hour of day ← hour of week.
        let value = prior;
        for (let i = levels.length - 1; i >= 0; i--) {
          const [w, x] = levels[i];
          const s = shrink(w);
          value = s * x + (1 - s) * value;
        }
        return value;
      };
      const dayLevel = (wf: number, f: number, prior: number) =>
        chain(
          [
            [day[db + wf], day[db + f]],
            [day[gb + wf], day[gb + f]],
          ],
          prior,
        );
      const dayLat = (f: number, prior: number) => dayLevel(D_W_LAT, f, prior);
      const dayL95 = dayLat(D_L95, settings.staticLogP95);
      const l95 = chain([[week[wb + W_LAT], week[wb + L95]]], dayL95);
      const shift = l95 - dayL95; // what the hour of the week adds to its hour of day
      const rate = (calls: number, errors: number) => (calls > 0 ? errors / calls : 0);
      const tpsWeight = day[gb + D_W_TPS];
      const weekWeight = shrink(week[wb + W_LAT]);
      const seen = weekWeight + (1 - weekWeight) * shrink(day[db + D_W_LAT]);
      cached = {
        slot,
        unseen: (1 - seen) * seasonalSpread(),
        l50: dayLat(D_L50, settings.staticLogP95 + PRIOR_P50_SHIFT) + shift,
        l95,
        l99: dayLat(D_L99, settings.staticLogP95 + PRIOR_P99_SHIFT) + shift,
        s95: dayLevel(D_W_S95, D_S95, PRIOR_SPREAD),
        errorRate: chain(
          [
            [week[wb + W_CALLS], rate(week[wb + W_CALLS], week[wb + ERR])],
            [day[db + D_W_CALLS], rate(day[db + D_W_CALLS], day[db + D_ERR])],
            [day[gb + D_W_CALLS], rate(day[gb + D_W_CALLS], day[gb + D_ERR])],
          ],
          settings.staticErrorRate,
        ),
        // No static prior for throughput: the all-hours level is the last fallback.
        ltps: tpsWeight > 0 ? chain([[day[db + D_W_TPS], day[db + D_LTPS]]], day[gb + D_LTPS]) : null,
        stps: dayLevel(D_W_STPS, D_STPS, PRIOR_SPREAD),
      };
      return cached;
    },

    global() {
      const ratio = (sumAt: number, nAt: number) => (extra[nAt] > 0 ? extra[sumAt] / extra[nAt] : null);
      const w = extra[X_W_TTFT];
      const sd = w > 1 ? Math.sqrt(extra[X_V_TTFT] / w) : 0;
      const totalCalls = day[ALL * DAY_FIELDS + D_W_CALLS];
      const byType: Record<string, number> = {};
      if (totalCalls > 0) for (const [t, c] of errorTypes) byType[t] = c / totalCalls;
      return {
        ttftP50: w > 0 ? Math.exp(extra[X_M_TTFT]) : null,
        ttftP95: w > 0 ? Math.exp(extra[X_M_TTFT] + 1.645 * sd) : null,
        cost:
          extra[X_COST] > 0
            ? { level: extra[X_COST + 1], spread: shrunkSpread(extra, X_COST, k), mean: ratio(X_COST_SUM, X_COST_N) ?? 0 }
            : null,
        tokens: extra[X_TOK] > 0 ? { level: extra[X_TOK + 1], spread: shrunkSpread(extra, X_TOK, k) } : null,
        inputTokensMean: ratio(X_TIN_SUM, X_TIN_N),
        outputTokensMean: ratio(X_TOUT_SUM, X_TOUT_N),
        qualityFailureRate: extra[X_Q_CHECKED] > 0 ? extra[X_Q_FAILED] / extra[X_Q_CHECKED] : null,
        errorsByType: byType,
      };
    },

    samples: () => head[0],
    addSamples(n) {
      head[0] += n;
    },

    encode() {
      const types = JSON.stringify(Object.fromEntries(errorTypes));
      const typeBytes = new TextEncoder().encode(types);
      const floats = week.length + day.length + extra.length;
      const bytes = new Uint8Array(8 + head.length * 8 + floats * 4 + typeBytes.length);
      const view = new DataView(bytes.buffer);
      view.setUint16(0, STATE_VERSION, true);
      view.setUint16(2, head.length, true);
      view.setUint32(4, floats, true);
      let at = 8;
      for (const v of head) {
        view.setFloat64(at, v, true);
        at += 8;
      }
      for (const arr of [week, day, extra])
        for (const v of arr) {
          view.setFloat32(at, v, true);
          at += 4;
        }
      bytes.set(typeBytes, at);
      return bytes;
    },
  };
  return profile;
}

/** Folds a window's geometric mean (log level, weight) into [W, L, S]. */
function foldLevel(a: Float32Array, at: number, m: MeanLog | null, k: number) {
  if (m === null || m.weight <= 0) return;
  const hadEnough = a[at] >= k;
  const residual = m.level - a[at + 1];
  const total = a[at] + m.weight;
  a[at + 1] += (m.weight / total) * (m.level - a[at + 1]);
  a[at] = total;
  if (hadEnough) a[at + 2] += (m.weight / total) * (Math.abs(residual) - a[at + 2]);
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

function decodeInto(
  bytes: Uint8Array,
  head: Float64Array,
  week: Float32Array,
  day: Float32Array,
  extra: Float32Array,
  errorTypes: Map<string, number>,
): void {
  const floats = week.length + day.length + extra.length;
  if (bytes.length < 8) throw new ProfileDecodeError(`A stored profile needs at least 8 bytes, got ${bytes.length}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(0, true);
  if (version !== STATE_VERSION) throw new ProfileDecodeError(`Stored profile format ${version} is not this build's (${STATE_VERSION}).`);
  if (view.getUint16(2, true) !== head.length || view.getUint32(4, true) !== floats)
    throw new ProfileDecodeError('Stored profile has another layout than this build.');
  const fixed = 8 + head.length * 8 + floats * 4;
  if (bytes.length < fixed) throw new ProfileDecodeError(`Stored profile is cut short (${bytes.length} of at least ${fixed} bytes).`);
  let at = 8;
  for (let i = 0; i < head.length; i++, at += 8) head[i] = view.getFloat64(at, true);
  for (const arr of [week, day, extra])
    for (let i = 0; i < arr.length; i++, at += 4) {
      const v = view.getFloat32(at, true);
      if (!Number.isFinite(v)) throw new ProfileDecodeError('Stored profile holds a value that is not a finite number.');
      arr[i] = v;
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
