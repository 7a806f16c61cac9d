// Runs the correlator, and the incidents processor after it, the way the pipeline chains them, on a
// manual clock: feed batches of events with their calls, advance event time (timers fire and what
// they emit goes on to the next step), and read every correlation and incident update.
import pino from 'pino';
import { createManualTime, type ManualTime } from '../../agent/core/clock.ts';
import type { Processor } from '../../agent/core/component.ts';
import { createBatch, type Batch } from '../../agent/core/model/batch.ts';
import type { CorrelationCluster, CorrelationUpdate } from '../../agent/core/model/correlation.ts';
import { finalClusters } from '../../agent/core/model/correlation-view.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import type { Database } from '../../agent/store/database.ts';
import correlator from '../../processors/correlator/index.ts';
import incidents from '../../processors/incidents/index.ts';
import { makeServices } from './component-context.ts';
import { T0, type Stream } from './failure-streams.ts';

export interface CorrelationHarness {
  readonly time: ManualTime;
  readonly correlations: CorrelationUpdate[];
  readonly incidents: IncidentUpdate[];
  /** Feeds one batch, the clock first advanced to its latest item. */
  feed(batch: Stream): Promise<void>;
  feedAll(batches: readonly Stream[]): Promise<void>;
  advanceTo(ms: number): Promise<void>;
  /** The clusters the updates so far leave (merged ones left out). */
  clusters(): CorrelationCluster[];
  shutdown(): Promise<void>;
}

export async function startCorrelation(
  options: {
    correlator?: Record<string, unknown>;
    /** false: no incidents processor after the correlator. */
    incidents?: Record<string, unknown> | false;
    database?: Database | null;
    startMs?: number;
    /** Sees every batch that leaves the chain (e.g. to write it to PostgreSQL). */
    onOutput?: (batch: Batch) => Promise<void>;
  } = {},
): Promise<CorrelationHarness> {
  const time = createManualTime(options.startMs ?? T0);
  const correlations: CorrelationUpdate[] = [];
  const incidentUpdates: IncidentUpdate[] = [];
  const context = (id: string, emit: (b: Batch) => Promise<void>) => ({
    id,
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
    database: options.database ?? null,
    emit,
  });
  const out = async (batch: Batch) => {
    correlations.push(...batch.correlations);
    incidentUpdates.push(...batch.incidents);
    await options.onOutput?.(batch);
  };
  let incidentsStep: Processor | null = null;
  const afterCorrelator = async (batch: Batch) => out(incidentsStep ? await incidentsStep.process(batch) : batch);
  if (options.incidents !== false)
    incidentsStep = await incidents.create(incidents.configSchema.parse(options.incidents ?? {}), context('incidents', out));
  const correlatorStep = await correlator.create(
    correlator.configSchema.parse(options.correlator ?? {}),
    context('correlator', afterCorrelator),
  );
  await incidentsStep?.start?.();
  await correlatorStep.start?.();
  const feed = async (s: Stream) => {
    const latest = Math.max(...s.events.map((e) => Date.parse(e.timestamp)), ...s.calls.map((c) => c.timing.endMs));
    if (latest > time.clock.now()) await time.advanceTo(latest);
    await afterCorrelator(await correlatorStep.process(createBatch({ events: s.events, calls: s.calls })));
  };
  return {
    time,
    correlations,
    incidents: incidentUpdates,
    feed,
    async feedAll(list) {
      for (const s of list) await feed(s);
    },
    advanceTo: (ms) => time.advanceTo(ms),
    clusters: () => finalClusters(correlations),
    async shutdown() {
      await correlatorStep.shutdown?.();
      await incidentsStep?.shutdown?.();
      time.stop();
    },
  };
}
