// One replay: telemetry (a scenario's simulated spans, or recorded files) through a pipeline in
// process on event time, then the timeline of what was detected and, for a scenario, the check
// of its expectations.
import type { AgentConfig } from '../../core/component.ts';
import { StatusCode, type OtlpLogRecord, type OtlpSpan } from '../../core/model/otlp.ts';
import { runOffline } from '../offline.ts';
import type { Scenario } from '../simulate/scenario-schema.ts';
import { checkExpectations, type CheckResult } from './check.ts';
import { summarizeCorrelations, type CorrelationSummary } from './correlations.ts';
import {
  episodesFromEvents,
  fromIncidents,
  secondaryEpisodesFromEvents,
  timelineOf,
  type Detected,
  type TimelineEntry,
} from './timeline.ts';

export interface ReplayInput {
  spans: readonly OtlpSpan[];
  logs: readonly OtlpLogRecord[];
  /** Where MTTD is measured from; null: the first span with status ERROR. */
  firstFailureMs: number | null;
  scenario: Scenario | null;
}

export interface ReplayReport {
  startMs: number;
  endMs: number;
  firstFailureMs: number | null;
  spans: number;
  events: number;
  hasIncidents: boolean;
  /** What the correlator reported; null when the pipeline has none. */
  correlations: CorrelationSummary | null;
  detected: Detected[];
  timeline: TimelineEntry[];
  check: CheckResult | null;
}

/** Event time after the last span, so holds release and quiet episodes can end. */
const TAIL_MS = 60_000;

export async function replay(
  input: ReplayInput,
  config: AgentConfig,
  options: { env?: NodeJS.ProcessEnv; onProgress?: (fed: number, total: number) => void } = {},
): Promise<ReplayReport> {
  const out = await runOffline(input.spans, input.logs, config, { env: options.env, onProgress: options.onProgress, tailMs: TAIL_MS });
  let startMs = Infinity;
  let endMs = -Infinity;
  let firstError = Infinity;
  for (const s of input.spans) {
    const start = Number(s.startTimeUnixNano / 1_000_000n);
    const end = Number(s.endTimeUnixNano / 1_000_000n);
    if (start < startMs) startMs = start;
    if (end > endMs) endMs = end;
    if (s.status.code === StatusCode.ERROR && end < firstError) firstError = end;
  }
  if (input.spans.length === 0) startMs = endMs = 0;
  const firstFailureMs = input.firstFailureMs ?? (Number.isFinite(firstError) ? firstError : null);
  const hasIncidents = out.processors.includes('incidents') || out.processors.some((p) => p.startsWith('incidents/'));
  const emittedEvents = out.emitted('events').map(({ item, emittedAtMs }) => ({ event: item, emittedAtMs }));
  const episodes = episodesFromEvents(emittedEvents, endMs + TAIL_MS);
  const secondary = secondaryEpisodesFromEvents(emittedEvents, endMs + TAIL_MS);
  const incidents = fromIncidents(out.emitted('incidents').map(({ item, emittedAtMs }) => ({ update: item, emittedAtMs })));
  const detected = hasIncidents ? incidents : episodes;
  const events = emittedEvents.map((e) => e.event);
  const hasCorrelator = out.processors.some((p) => p === 'correlator' || p.startsWith('correlator/'));
  const correlations = hasCorrelator ? summarizeCorrelations(out.emitted('correlations'), events) : null;
  return {
    startMs,
    endMs,
    firstFailureMs,
    spans: input.spans.length,
    events: events.length,
    hasIncidents,
    correlations,
    detected,
    timeline: timelineOf(detected),
    check: input.scenario
      ? checkExpectations(input.scenario, { episodes, secondary, incidents, hasIncidents, events, correlations }, firstFailureMs)
      : null,
  };
}
