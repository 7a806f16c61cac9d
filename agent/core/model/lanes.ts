// The lane table: every lane a Batch carries, declared once. Batch, createBatch and countItems are
// derived from it; the ndjson exporter's `lanes`, the postgres exporter's writers, classify
// --output and offline runs read it. Adding a lane is an entry here, its writer in
// agent/store/lane-writers.ts if it is stored, and its migration (docs/ARCHITECTURE.md).
//
// Order matters twice: it is the order of the ndjson `lanes` choices in the configuration
// reference, and the order the postgres exporter writes lanes in one transaction (events before
// the incidents that list them). New lanes go at the end.
import type { CorrelationUpdate } from './correlation.ts';
import { finalClusters, viewCluster } from './correlation-view.ts';
import type { BaselineSnapshot } from './baseline.ts';
import type { FailureEvent } from './failure-event.ts';
import type { FailureImpact } from './impact.ts';
import type { IncidentUpdate } from './incident.ts';
import { countEach, defineLane, type LaneSpec } from './lane.ts';
import type { ContentEvent, TelemetryItem } from './llm-call.ts';
import type { OtlpLogRecord, OtlpSpan } from './otlp.ts';
import type { SloUpdate } from './slo.ts';
import type { CircuitTransition, PredictedFailure } from './prediction.ts';

const nanosToMs = (nanos: bigint): number => Number(nanos / 1_000_000n);

export const LANE_TABLE = {
  events: defineLane<FailureEvent>()({
    name: 'events',
    description: 'Typed failures (FailureEvent), from the classifier.',
    source: 'processor',
    count: countEach,
    time: (e) => Date.parse(e.timestamp),
    key: (e) => e.failure_id,
    unit: (e) => e.trace_id ?? '',
    store: { tables: ['failure_events'] },
    api: { path: '/api/v1/failures' },
  }),
  incidents: defineLane<IncidentUpdate>()({
    name: 'incidents',
    description: 'Incident lifecycle transitions (IncidentUpdate), from the incidents processor.',
    source: 'processor',
    count: countEach,
    time: (u) => Date.parse(u.transition.at),
    key: (u) => `${u.incident.incident_id}/${u.transition.transition_id}`,
    unit: (u) => `incident:${u.incident.incident_id}`,
    store: { tables: ['incidents', 'incident_transitions', 'incident_events'] },
    api: { path: '/api/v1/incidents' },
  }),
  calls: defineLane<TelemetryItem>()({
    name: 'calls',
    description: 'Normalized calls of every kind, with the signals the detectors attached.',
    source: 'processor',
    count: countEach,
    time: (c) => c.timing.endMs,
    key: (c) => `${c.source.traceId}/${c.source.spanId}`,
    unit: (c) => c.source.traceId,
    // Signals and call rows are not stored: a call becomes a failure event or nothing.
  }),
  content: defineLane<ContentEvent>()({
    name: 'content',
    description: 'Content from log records not yet joined to its call (trace_assembler joins them).',
    source: 'processor',
    count: countEach,
    time: (c) => c.timeMs,
    key: (c) => `${c.traceId}/${c.spanId}/${c.eventName}/${c.timeMs}`,
    unit: (c) => c.traceId,
  }),
  spans: defineLane<OtlpSpan>()({
    name: 'spans',
    description: 'Raw spans from receivers; normalize consumes them.',
    source: 'receiver',
    count: countEach,
    time: (s) => nanosToMs(s.endTimeUnixNano),
    key: (s) => `${s.traceId}/${s.spanId}`,
    unit: (s) => s.traceId,
  }),
  logs: defineLane<OtlpLogRecord>()({
    name: 'logs',
    description: 'Raw log records from receivers (GenAI content events); normalize consumes them.',
    source: 'receiver',
    count: countEach,
    time: (l) => nanosToMs(l.timeUnixNano || l.observedTimeUnixNano),
    key: (l) => `${l.traceId}/${l.spanId}/${l.timeUnixNano}`,
    unit: (l) => l.traceId,
  }),
  baselines: defineLane<BaselineSnapshot>()({
    name: 'baselines',
    description:
      'Learned per-provider/model profiles (BaselineSnapshot): the baseline for the hour, the current window and its deviation ratios, the hour aggregates; from the baseline processor.',
    source: 'processor',
    count: countEach,
    time: (b) => Date.parse(b.at),
    key: (b) => `${b.provider}/${b.model}${b.route || b.team ? `/${b.route}/${b.team}` : ''}@${b.at}`,
    unit: (b) => `baseline:${b.provider}/${b.model}/${b.route}/${b.team}`,
    store: { tables: ['baseline_profiles', 'provider_baselines'] },
    api: { path: '/api/v1/baselines' },
  }),
  correlations: defineLane<CorrelationUpdate>()({
    name: 'correlations',
    description: 'Failure clusters with their root cause (CorrelationUpdate per change), from the correlator.',
    source: 'processor',
    count: countEach,
    time: (u) => Date.parse(u.cluster.last_seen_at),
    key: (u) => `${u.cluster.cluster_id}/${u.cluster.revision}`,
    unit: (u) => `cluster:${u.cluster.cluster_id}`,
    store: { tables: ['correlation_clusters', 'correlation_edges', 'correlation_members'] },
    api: { path: '/api/v1/failures/correlations' },
    // One line per cluster as the API shows it, in the order clusters opened.
    present: (updates) =>
      finalClusters(updates)
        .sort((a, b) => Date.parse(a.opened_at) - Date.parse(b.opened_at) || (a.cluster_id < b.cluster_id ? -1 : 1))
        .map(viewCluster),
  }),
  slos: defineLane<SloUpdate>()({
    name: 'slos',
    description: 'SLO evaluations (status, burn rates, budget), minute counts and budget attributions (SloUpdate), from the slo processor.',
    source: 'processor',
    count: countEach,
    time: (u) => Date.parse(u.at),
    key: (u) => `${u.slo}/${u.agent_instance}/${u.at}/${u.status ? 's' : ''}${u.buckets.length}/${u.attributions.length}`,
    unit: (u) => `slo:${u.slo}`,
    store: { tables: ['slo_status', 'slo_buckets'] },
    api: { path: '/api/v1/slos' },
  }),
  impacts: defineLane<FailureImpact>()({
    name: 'impacts',
    description: 'What failures, incidents and clusters cost (FailureImpact per assessment), from the impact processor.',
    source: 'processor',
    count: countEach,
    time: (i) => Date.parse(i.assessed_at),
    key: (i) => `${i.impact_id}/${i.revision}`,
    unit: (i) => `impact:${i.subject_type}:${i.subject_id}`,
    store: { tables: ['failure_impacts'] },
    api: { path: '/api/v1/impacts' },
  }),
  predictions: defineLane<PredictedFailure>()({
    name: 'predictions',
    description: 'Predicted provider failures (PredictedFailure) and their scoring, from the predictor.',
    source: 'processor',
    count: countEach,
    time: (p) => Date.parse(p.updated_at),
    key: (p) => `${p.prediction_id}/${p.status}/${p.updated_at}`,
    unit: (p) => `prediction:${p.prediction_id}`,
    store: { tables: ['failure_predictions'] },
    api: { path: '/api/v1/predictions' },
  }),
  circuits: defineLane<CircuitTransition>()({
    name: 'circuits',
    description: 'Circuit-breaker transitions of deployments (closed, open, half_open), from the predictor.',
    source: 'processor',
    count: countEach,
    time: (t) => Date.parse(t.at),
    key: (t) => t.transition_id,
    unit: (t) => `circuit:${t.transition_id}`,
  }),
} as const;

type Table = typeof LANE_TABLE;

/** A lane this build declares. */
export type LaneName = keyof Table;

/** The item type of a lane. */
export type LaneItem<L extends LaneName> = Table[L] extends LaneSpec<infer T> ? T : never;

/** The lanes the postgres exporter persists (their spec has `store`). */
export type StoredLaneName = { [L in LaneName]: Table[L] extends { store: object } ? L : never }[LaneName];

/** The lane names in table order, as a tuple zod's enum accepts. */
export const LANE_NAMES = Object.keys(LANE_TABLE) as [LaneName, ...LaneName[]];

// Lanes added at run time (tests add one to prove a new lane travels; a plug-in could add one).
// They travel in batches, are counted, isolated, written by ndjson and postgres like the rest;
// only the TypeScript type of Batch does not know them.
const registered: LaneSpec<any>[] = [];
let all: readonly LaneSpec<any>[] = Object.values(LANE_TABLE);

/** Every lane, the table's first, then those registered at run time. */
export function lanes(): readonly LaneSpec<any>[] {
  return all;
}

export function laneSpec(name: string): LaneSpec<any> | undefined {
  return all.find((l) => l.name === name);
}

/** Adds a lane the table does not declare; its items travel under `name` in every batch. */
export function registerLane(spec: LaneSpec<any>): void {
  if (laneSpec(spec.name)) throw new Error(`A lane named "${spec.name}" is already declared; lane names must be unique.`);
  registered.push(spec);
  all = [...Object.values(LANE_TABLE), ...registered];
}
