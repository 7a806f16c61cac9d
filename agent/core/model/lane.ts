// What a lane is: one kind of item a Batch carries, declared once in the lane table (lanes.ts).
// Everything that handles batches generically (counting, the pipeline's failure isolation, the
// ndjson exporter, the postgres exporter's spill and writers, classify --output, offline runs)
// reads these fields instead of naming lanes one by one.

export interface LaneSpec<T = unknown> {
  /** The batch key; also the name in ndjson `lanes:`, `classify --output` and the postgres writers' table. */
  readonly name: string;
  /** One line for the docs and `--help`. */
  readonly description: string;
  /** receiver: raw input that normalize consumes; processor: what processors derive and exporters read. */
  readonly source: 'receiver' | 'processor';
  /** What the pipeline counts for these items (items in/out per component, in-flight admission). */
  readonly count: (items: readonly T[]) => number;
  /** Event time of an item, ms since the epoch: offline output is printed in this order. */
  readonly time: (item: T) => number;
  /** Natural key: the same item delivered twice has the same key (ties in time order, dead letters). */
  readonly key: (item: T) => string;
  /**
   * Items that must stay together when the pipeline isolates a failing item (a trace's calls and
   * content). Items of different lanes with the same unit travel together.
   */
  readonly unit: (item: T) => string;
  /**
   * Persisted by the postgres exporter into these tables; the writer lives in
   * agent/store/lane-writers.ts, which TypeScript checks has one for every lane that says so.
   */
  readonly store?: { readonly tables: readonly string[] };
  /** The REST API path that lists this lane's items, if any (agent/api serves it from the tables above). */
  readonly api?: { readonly path: string };
  /**
   * What `classify --output` prints for the lane's items, in order, when it is not each item as it
   * came out: a lane of revisions (correlations) prints the final state of each thing instead.
   */
  readonly present?: (items: readonly T[]) => readonly unknown[];
}

/** Every item counts as one: the usual count. */
export const countEach = (items: readonly unknown[]): number => items.length;

/** Declares a lane with its item type; keeps the literal shape so lane names and `store` stay typed. */
export const defineLane =
  <T>() =>
  <S extends LaneSpec<T>>(spec: S): S & LaneSpec<T> =>
    spec;
