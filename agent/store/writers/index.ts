// The PostgreSQL writer of every stored lane, by lane name. TypeScript requires one for each lane
// whose table entry has `store` (agent/core/model/lanes.ts); the postgres exporter writes the lanes
// that have a writer, in lane-table order, in one transaction per batch.
import { laneSpec, type LaneItem, type StoredLaneName } from '../../core/model/lanes.ts';
import { baselinesWriter } from './baselines.ts';
import { correlationUpdatesWriter } from './correlation-updates.ts';
import { failureEventsWriter } from './failure-events.ts';
import { impactsWriter } from './impacts.ts';
import { incidentUpdatesWriter } from './incident-updates.ts';
import type { LaneWriter } from './lane-writer.ts';
import { sloUpdatesWriter } from './slo-updates.ts';
import { predictionsWriter } from './predictions.ts';

export type { LaneWriteOptions, LaneWriter } from './lane-writer.ts';

const BUILT_IN: { readonly [L in StoredLaneName]: LaneWriter<LaneItem<L>> } = {
  events: failureEventsWriter,
  incidents: incidentUpdatesWriter,
  baselines: baselinesWriter,
  correlations: correlationUpdatesWriter,
  slos: sloUpdatesWriter,
  impacts: impactsWriter,
  predictions: predictionsWriter,
};

const writers = new Map<string, LaneWriter<any>>(Object.entries(BUILT_IN));

/** The writer of a lane, or undefined when the lane is not stored. */
export function laneWriter(lane: string): LaneWriter<any> | undefined {
  return writers.get(lane);
}

/** Stores a lane registered at run time (registerLane); the lane must be declared first. */
export function registerLaneWriter(lane: string, writer: LaneWriter<any>): void {
  if (!laneSpec(lane)) throw new Error(`No lane named "${lane}" is declared; register the lane before its writer.`);
  if (writers.has(lane)) throw new Error(`The lane "${lane}" already has a PostgreSQL writer.`);
  writers.set(lane, writer);
}
