// The counts of one SLO over its window, in event time: a ring of minutes for the last hours (the
// short and medium windows) and a ring of hours for the whole window (days). Every event lands in
// both; a window sum reads minutes up to MINUTE_SLOTS minutes back and whole hours beyond. Fixed
// memory whatever the traffic: (MINUTE_SLOTS + hours in the window) × FIELDS numbers.

export const FIELDS = ['total', 'bad', 'bad_requests', 'answers', 'spend_usd'] as const;
export type CountField = (typeof FIELDS)[number];
export type Counts = Record<CountField, number>;

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const F = FIELDS.length;
/** Six hours of minutes: the longest window read at minute resolution. */
export const MINUTE_SLOTS = 360;

export const zeroCounts = (): Counts => ({ total: 0, bad: 0, bad_requests: 0, answers: 0, spend_usd: 0 });

interface Ring {
  readonly unitMs: number;
  readonly slots: number;
  /** The unit index each slot holds (-1: empty). */
  readonly stamp: Float64Array;
  readonly values: Float64Array;
}

const ring = (unitMs: number, slots: number): Ring => ({
  unitMs,
  slots,
  stamp: new Float64Array(slots).fill(-1),
  values: new Float64Array(slots * F),
});

/** What an evaluation reads of counts: window sums and the first event counted. */
export interface SloWindowReader {
  /** sum() of each window, in one pass over each ring (an evaluation reads a dozen windows). */
  sums(nowMs: number, windowsMs: readonly number[]): Counts[];
  /** Event time of the earliest event counted, or null. */
  firstMs(): number | null;
}

export interface SloCounts extends SloWindowReader {
  /** Adds to the minute (and hour) of timeMs; false when it is older than the window holds. */
  add(timeMs: number, delta: Counts): boolean;
  /** Sets a minute's counts outright (a restored row); false when it is out of range. */
  restoreMinute(minuteStartMs: number, counts: Counts): boolean;
  /** Sums over (nowMs − windowMs, nowMs]. */
  sum(nowMs: number, windowMs: number): Counts;
  /** The whole counts of a minute, when the ring still holds it. */
  minute(minuteStartMs: number): Counts | null;
}

export function createSloCounts(windowMs: number): SloCounts {
  const minutes = ring(MINUTE_MS, MINUTE_SLOTS);
  const hoursRing = ring(HOUR_MS, Math.ceil(windowMs / HOUR_MS) + 2);
  let first: number | null = null;
  let newestMinute = -Infinity;

  /** The slot of unit index u, cleared if it held an older unit; -1 when u is too old for the ring. */
  const slotOf = (r: Ring, u: number, newest: number): number => {
    if (u <= newest - r.slots) return -1;
    const s = u % r.slots;
    if (r.stamp[s] !== u) {
      if (r.stamp[s] > u) return -1;
      r.stamp[s] = u;
      r.values.fill(0, s * F, s * F + F);
    }
    return s;
  };
  const addTo = (r: Ring, s: number, delta: Counts) => {
    const o = s * F;
    for (let f = 0; f < F; f++) r.values[o + f] += delta[FIELDS[f]];
  };

  function add(timeMs: number, delta: Counts): boolean {
    const m = Math.floor(timeMs / MINUTE_MS);
    const newest = Math.max(newestMinute, m);
    const h = Math.floor(timeMs / HOUR_MS);
    const hs = slotOf(hoursRing, h, Math.floor((newest * MINUTE_MS) / HOUR_MS));
    if (hs < 0) return false;
    newestMinute = newest;
    addTo(hoursRing, hs, delta);
    const ms = slotOf(minutes, m, newestMinute);
    if (ms >= 0) addTo(minutes, ms, delta);
    if (first === null || timeMs < first) first = timeMs;
    return true;
  }

  const countsOf = (acc: Float64Array): Counts => {
    const out = zeroCounts();
    for (let f = 0; f < F; f++) out[FIELDS[f]] = acc[f];
    return out;
  };

  /**
   * Walks r back from toUnit, one unit at a time, adding each unit still held; after `spans[i]`
   * units it takes the running total as out[targets[i]]. spans ascend.
   */
  function sweep(r: Ring, toUnit: number, spans: readonly number[], targets: readonly number[], out: Counts[]): void {
    const acc = new Float64Array(F);
    let next = 0;
    // Nothing older than the ring holds or than the first event counted (a young SLO reads little).
    const oldest = Math.max(toUnit - r.slots + 1, first === null ? Infinity : Math.floor(first / r.unitMs));
    for (let back = 1; next < spans.length; back++) {
      const u = toUnit - back + 1;
      if (u >= oldest) {
        const s = u % r.slots;
        if (r.stamp[s] === u) {
          const o = s * F;
          for (let f = 0; f < F; f++) acc[f] += r.values[o + f];
        }
      } else back = Math.max(back, spans[spans.length - 1]);
      while (next < spans.length && spans[next] <= back) out[targets[next++]] = countsOf(acc);
    }
  }

  /** How a window is read: minutes when the minute ring reaches back far enough, else whole hours. */
  const readAs = (windowMs: number): { hours: boolean; units: number } => {
    const minutesBack = Math.ceil(windowMs / MINUTE_MS);
    return minutesBack <= MINUTE_SLOTS ? { hours: false, units: minutesBack } : { hours: true, units: Math.ceil(windowMs / HOUR_MS) };
  };

  function sums(nowMs: number, windowsMs: readonly number[]): Counts[] {
    const out: Counts[] = new Array<Counts>(windowsMs.length);
    const order = windowsMs.map((w, i) => ({ i, ...readAs(w) })).sort((a, b) => a.units - b.units);
    for (const hours of [false, true]) {
      const picked = order.filter((o) => o.hours === hours && o.units > 0);
      if (picked.length === 0) continue;
      const toUnit = hours ? Math.floor(nowMs / HOUR_MS) : Math.floor(nowMs / MINUTE_MS);
      sweep(
        hours ? hoursRing : minutes,
        toUnit,
        picked.map((o) => o.units),
        picked.map((o) => o.i),
        out,
      );
    }
    for (let i = 0; i < out.length; i++) out[i] ??= zeroCounts();
    return out;
  }

  return {
    add,
    restoreMinute(minuteStartMs, counts) {
      const existing = this.minute(minuteStartMs);
      const delta = zeroCounts();
      for (const f of FIELDS) delta[f] = counts[f] - (existing?.[f] ?? 0);
      return add(minuteStartMs, delta);
    },
    // Longer windows than the minute ring holds: whole hours, the current (partial) hour included.
    sum: (nowMs, windowMs) => sums(nowMs, [windowMs])[0],
    sums,
    minute(minuteStartMs) {
      const m = Math.floor(minuteStartMs / MINUTE_MS);
      const s = m % minutes.slots;
      if (minutes.stamp[s] !== m) return null;
      const o = s * F;
      const out = zeroCounts();
      for (let f = 0; f < F; f++) out[FIELDS[f]] = minutes.values[o + f];
      return out;
    },
    firstMs: () => first,
  };
}
