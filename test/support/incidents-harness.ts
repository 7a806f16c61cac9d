// Runs the incidents processor the way the pipeline does, on a manual clock: feed events in
// batches, advance event time (timers fire on the way), and read every IncidentUpdate emitted,
// whether returned by process() or emitted by a timer.
import pino from 'pino';
import { createManualTime, type ManualTime } from '../../agent/core/clock.ts';
import type { Processor } from '../../agent/core/component.ts';
import type { Database } from '../../agent/store/database.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import incidents from '../../processors/incidents/index.ts';
import { makeServices } from './component-context.ts';

export interface IncidentsHarness {
  readonly time: ManualTime;
  readonly processor: Processor;
  /** Every update so far, in emission order. */
  readonly updates: IncidentUpdate[];
  /** Feeds one batch (advancing the clock to its latest event first) and returns the updates it produced. */
  feed(events: readonly FailureEvent[]): Promise<IncidentUpdate[]>;
  advanceTo(ms: number): Promise<IncidentUpdate[]>;
}

export async function startIncidents(
  config: Record<string, unknown> = {},
  options: { startMs?: number; database?: Database | null; onUpdates?: (u: IncidentUpdate[]) => Promise<void> } = {},
): Promise<IncidentsHarness> {
  const time = createManualTime(options.startMs ?? Date.UTC(2026, 10, 22, 8, 0, 0));
  const updates: IncidentUpdate[] = [];
  const record = async (u: readonly IncidentUpdate[]) => {
    updates.push(...u);
    if (u.length > 0) await options.onUpdates?.([...u]);
  };
  const processor = await incidents.create(incidents.configSchema.parse(config), {
    id: 'incidents',
    logger: pino({ level: 'silent' }),
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
    database: options.database ?? null,
    emit: async (batch) => record(batch.incidents),
  });
  await processor.start?.();
  const since = async (fn: () => Promise<void>) => {
    const before = updates.length;
    await fn();
    return updates.slice(before);
  };
  return {
    time,
    processor,
    updates,
    feed: (events) =>
      since(async () => {
        const latest = Math.max(...events.map((e) => Date.parse(e.timestamp)));
        await time.advanceTo(latest);
        const out = await processor.process(createBatch({ events }));
        await record(out.incidents);
      }),
    advanceTo: (ms) => since(() => time.advanceTo(ms)),
  };
}
