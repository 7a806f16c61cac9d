// A mergeable quantile sketch: a histogram of logarithmic buckets, 16 per doubling (bucket i holds
// values in [2^(i/16), 2^((i+1)/16))), so any quantile comes back within 2.2 % of a value the
// sketch holds. It is DDSketch's index mapping (γ = 2^(1/16)) over a dense store that spans only
// the buckets in use: latencies between 100 ms and 2 min take about 160 buckets (640 bytes), where
// a Map-backed store of the same buckets takes several kilobytes (npm run bench baselines).
// Histograms with the same mapping merge by adding counts, so hourly sketches of one provider
// from several agents and several hours combine into one exact-to-the-bucket distribution.

/** Buckets per doubling. */
export const BUCKETS_PER_OCTAVE = 16;
/** Every bucket's representative is within this share of every value in it. */
export const RELATIVE_ACCURACY = (2 ** (1 / BUCKETS_PER_OCTAVE) - 1) / (2 ** (1 / BUCKETS_PER_OCTAVE) + 1);

// Values are clamped to [2^-20, 2^40] (about 1e-6 to 1e12): far outside anything measured here.
const MIN_INDEX = -20 * BUCKETS_PER_OCTAVE;
const MAX_INDEX = 40 * BUCKETS_PER_OCTAVE;
const FORMAT_VERSION = 1;

export interface LogHistogram {
  /** Adds one observation (values ≤ 0 or not finite are counted as zero). */
  add(value: number, count?: number): void;
  /** Adds one observation by its precomputed bucket index (see bucketOf). */
  addIndex(index: number, count?: number): void;
  /** Adds every observation of another histogram. */
  merge(other: LogHistogram): void;
  /** The nearest-rank value at quantile q (0..1), within RELATIVE_ACCURACY; NaN when empty. */
  quantile(q: number): number;
  /** Observations at or above `value`'s bucket. */
  countFrom(index: number): number;
  count(): number;
  /** Compact bytes: version, zero count, first index, counts (see decode). */
  encode(): Uint8Array;
  /** Internal, for merge: first bucket index held, and the counts from there. */
  readonly offset: number;
  readonly counts: Uint32Array;
  readonly zeroCount: number;
}

/** The bucket index of a positive value (clamped to the supported range). */
export function bucketOf(value: number): number {
  const i = Math.floor(Math.log2(value) * BUCKETS_PER_OCTAVE);
  return i < MIN_INDEX ? MIN_INDEX : i > MAX_INDEX ? MAX_INDEX : i;
}

/** The value a bucket stands for: the point within RELATIVE_ACCURACY of both its edges. */
export function bucketValue(index: number): number {
  const low = 2 ** (index / BUCKETS_PER_OCTAVE);
  const high = 2 ** ((index + 1) / BUCKETS_PER_OCTAVE);
  return (2 * low * high) / (low + high);
}

export function createLogHistogram(): LogHistogram {
  let offset = 0;
  let counts = new Uint32Array(0);
  let zero = 0;
  let n = 0;

  /** Makes room for bucket `index`, growing the store towards it with some slack. */
  const reach = (index: number) => {
    if (counts.length === 0) {
      offset = index - 4;
      counts = new Uint32Array(16);
      return;
    }
    if (index >= offset && index < offset + counts.length) return;
    const low = Math.min(offset, index - (index < offset ? 8 : 0));
    const high = Math.max(offset + counts.length, index + 1 + (index >= offset + counts.length ? 8 : 0));
    const grown = new Uint32Array(high - low);
    grown.set(counts, offset - low);
    counts = grown;
    offset = low;
  };

  const h: LogHistogram = {
    get offset() {
      return offset;
    },
    get counts() {
      return counts;
    },
    get zeroCount() {
      return zero;
    },
    add(value, count = 1) {
      if (!(value > 0) || value === Infinity) {
        zero += count;
        n += count;
        return;
      }
      h.addIndex(bucketOf(value), count);
    },
    addIndex(index, count = 1) {
      reach(index);
      counts[index - offset] += count;
      n += count;
    },
    merge(other) {
      zero += other.zeroCount;
      n += other.zeroCount;
      const oc = other.counts;
      for (let i = 0; i < oc.length; i++) if (oc[i] > 0) h.addIndex(other.offset + i, oc[i]);
    },
    quantile(q) {
      if (n === 0) return NaN;
      const rank = Math.max(0, Math.ceil(Math.min(Math.max(q, 0), 1) * n) - 1);
      if (rank < zero) return 0;
      let seen = zero;
      for (let i = 0; i < counts.length; i++) {
        seen += counts[i];
        if (seen > rank) return bucketValue(offset + i);
      }
      return NaN; // unreachable: the counts add up to n
    },
    countFrom(index) {
      let c = 0;
      for (let i = Math.max(0, index - offset); i < counts.length; i++) c += counts[i];
      return c;
    },
    count: () => n,
    encode() {
      let first = 0;
      let last = counts.length - 1;
      while (first <= last && counts[first] === 0) first++;
      while (last >= first && counts[last] === 0) last--;
      const used = last >= first ? last - first + 1 : 0;
      const bytes = new Uint8Array(12 + used * 4);
      const view = new DataView(bytes.buffer);
      view.setUint16(0, FORMAT_VERSION, true);
      view.setUint16(2, used, true);
      view.setInt32(4, offset + first, true);
      view.setUint32(8, zero, true);
      for (let i = 0; i < used; i++) view.setUint32(12 + i * 4, counts[first + i], true);
      return bytes;
    },
  };
  return h;
}

export class SketchDecodeError extends Error {
  readonly code = 'FL_SKETCH_DECODE';
  constructor(message: string) {
    super(message);
    this.name = 'SketchDecodeError';
  }
}

/** The histogram `encode` wrote; throws SketchDecodeError on bytes it did not write. */
export function decodeLogHistogram(bytes: Uint8Array): LogHistogram {
  if (bytes.length < 12) throw new SketchDecodeError(`A latency sketch needs at least 12 bytes, got ${bytes.length}.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(0, true);
  if (version !== FORMAT_VERSION)
    throw new SketchDecodeError(`Unknown sketch format version ${version} (this build reads ${FORMAT_VERSION}).`);
  const used = view.getUint16(2, true);
  if (bytes.length !== 12 + used * 4)
    throw new SketchDecodeError(`A sketch of ${used} buckets takes ${12 + used * 4} bytes, got ${bytes.length}.`);
  const first = view.getInt32(4, true);
  if (first < MIN_INDEX || first + used - 1 > MAX_INDEX)
    throw new SketchDecodeError(`Sketch buckets ${first}..${first + used - 1} are out of range.`);
  const h = createLogHistogram();
  h.add(0, view.getUint32(8, true));
  for (let i = 0; i < used; i++) {
    const c = view.getUint32(12 + i * 4, true);
    if (c > 0) h.addIndex(first + i, c);
  }
  return h;
}
