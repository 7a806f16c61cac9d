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

/**
 * A class rather than a closure: sketches are held per profile key and per hour, so their methods
 * live once on the prototype instead of once per sketch.
 */
export class LogHistogram {
  /** First bucket index held; counts[i] is bucket offset + i. */
  offset = 0;
  counts: Uint32Array = EMPTY;
  /** Observations at or below zero (or not finite). */
  zeroCount = 0;
  private n = 0;

  /** Adds an observation (values ≤ 0 or not finite are counted as zero). */
  add(value: number, count = 1): void {
    if (!(value > 0) || value === Infinity) {
      this.zeroCount += count;
      this.n += count;
      return;
    }
    this.addIndex(bucketOf(value), count);
  }

  /** Adds an observation by its bucket index (see bucketOf). */
  addIndex(index: number, count = 1): void {
    this.reach(index);
    this.counts[index - this.offset] += count;
    this.n += count;
  }

  /** Adds every observation of another histogram. */
  merge(other: LogHistogram): void {
    this.zeroCount += other.zeroCount;
    this.n += other.zeroCount;
    const oc = other.counts;
    for (let i = 0; i < oc.length; i++) if (oc[i] > 0) this.addIndex(other.offset + i, oc[i]);
  }

  /** The nearest-rank value at quantile q (0..1), within RELATIVE_ACCURACY; NaN when empty. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(0, Math.ceil(Math.min(Math.max(q, 0), 1) * this.n) - 1);
    if (rank < this.zeroCount) return 0;
    let seen = this.zeroCount;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen > rank) return bucketValue(this.offset + i);
    }
    return NaN; // unreachable: the counts add up to n
  }

  count(): number {
    return this.n;
  }

  /** Compact bytes: version, bucket count, first index, zero count, counts (see decodeLogHistogram). */
  encode(): Uint8Array {
    const counts = this.counts;
    let first = 0;
    let last = counts.length - 1;
    while (first <= last && counts[first] === 0) first++;
    while (last >= first && counts[last] === 0) last--;
    const used = last >= first ? last - first + 1 : 0;
    const bytes = new Uint8Array(12 + used * 4);
    const view = new DataView(bytes.buffer);
    view.setUint16(0, FORMAT_VERSION, true);
    view.setUint16(2, used, true);
    view.setInt32(4, this.offset + first, true);
    view.setUint32(8, this.zeroCount, true);
    for (let i = 0; i < used; i++) view.setUint32(12 + i * 4, counts[first + i], true);
    return bytes;
  }

  /** Makes room for bucket `index`, growing the store towards it with some slack. */
  private reach(index: number): void {
    const counts = this.counts;
    if (counts.length === 0) {
      this.offset = index - 4;
      this.counts = new Uint32Array(16);
      return;
    }
    const offset = this.offset;
    if (index >= offset && index < offset + counts.length) return;
    const low = Math.min(offset, index - (index < offset ? 8 : 0));
    const high = Math.max(offset + counts.length, index + 1 + (index >= offset + counts.length ? 8 : 0));
    const grown = new Uint32Array(high - low);
    grown.set(counts, offset - low);
    this.counts = grown;
    this.offset = low;
  }
}

const EMPTY = new Uint32Array(0);

export function createLogHistogram(): LogHistogram {
  return new LogHistogram();
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
