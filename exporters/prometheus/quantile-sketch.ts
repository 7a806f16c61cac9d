// A streaming quantile sketch with a relative-error guarantee (the DDSketch idea: logarithmic
// buckets of ratio γ = (1+α)/(1−α), so any quantile comes back within α of a true sample's
// value). Memory is bounded by maxBins: past it the lowest buckets are folded together, which
// only coarsens the smallest values, never the tail quantiles that latency alerts read.
// Written here rather than taken from a library: the npm sketches are unmaintained or pull in
// protobuf, and this is ~80 lines with its own accuracy test.

export interface QuantileSketch {
  add(value: number): void;
  /** Adds every observation of `other` (same relative accuracy). */
  merge(other: QuantileSketch): void;
  /** The nearest-rank value at quantile q (0..1), within the relative accuracy; NaN when empty. */
  quantile(q: number): number;
  count(): number;
  /** Internal, for merge: bucket index → count, and the count of values at or below zero. */
  readonly bins: ReadonlyMap<number, number>;
  readonly zeroCount: number;
}

/** Values at or below this are counted as zero (latencies are never this small). */
const MIN_VALUE = 1e-9;

export function createQuantileSketch(relativeAccuracy = 0.01, maxBins = 2048): QuantileSketch {
  const gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
  const logGamma = Math.log(gamma);
  const bins = new Map<number, number>();
  let zero = 0;
  let n = 0;

  const collapse = () => {
    if (bins.size <= maxBins) return;
    const keys = [...bins.keys()].sort((a, b) => a - b);
    // Fold the lowest buckets into the lowest one kept.
    const fold = keys.length - maxBins;
    const target = keys[fold];
    let moved = 0;
    for (let i = 0; i < fold; i++) {
      moved += bins.get(keys[i])!;
      bins.delete(keys[i]);
    }
    bins.set(target, bins.get(target)! + moved);
  };

  const sketch: QuantileSketch = {
    bins,
    get zeroCount() {
      return zero;
    },
    add(value) {
      n++;
      if (!(value > MIN_VALUE)) {
        zero++;
        return;
      }
      const index = Math.ceil(Math.log(value) / logGamma);
      bins.set(index, (bins.get(index) ?? 0) + 1);
      collapse();
    },
    merge(other) {
      n += other.count();
      zero += other.zeroCount;
      for (const [index, c] of other.bins) bins.set(index, (bins.get(index) ?? 0) + c);
      collapse();
    },
    quantile(q) {
      if (n === 0) return NaN;
      // Nearest rank: the smallest value with at least q·n observations at or below it.
      const rank = Math.max(0, Math.ceil(Math.min(Math.max(q, 0), 1) * n) - 1);
      if (rank < zero) return 0;
      let seen = zero;
      for (const index of [...bins.keys()].sort((a, b) => a - b)) {
        seen += bins.get(index)!;
        // The bucket's representative value is within α of every value it holds.
        if (seen > rank) return (2 * gamma ** index) / (gamma + 1);
      }
      return NaN; // unreachable: the counts add up to n
    },
    count: () => n,
  };
  return sketch;
}
