// One replay: telemetry (a scenario's simulated spans, or recorded files) through a pipeline in
// process on event time, then the timeline of what was detected and, for a scenario, the check
// of its expectations.
import type { AgentConfig } from '../../core/component.ts';
import { StatusCode, type OtlpLogRecord, type OtlpSpan } from '../../core/model/otlp.ts';
import type { FailureImpact } from '../../core/model/impact.ts';
import { DEFAULT_KEPT_LANES, runOffline } from '../offline.ts';
import type { GroundTruth } from '../simulate/ground-truth.ts';
import type { Scenario } from '../simulate/scenario-schema.ts';
import { checkExpectations, type CheckResult } from './check.ts';
import { summarizeCorrelations, type CorrelationSummary } from './correlations.ts';
import type { CircuitTransition, PredictedFailure } from '../../core/model/prediction.ts';
import { finalPredictions } from './prediction-accuracy.ts';
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
  /** What the simulator counted, for a simulated scenario (impact expectations compare with it). */
  truth?: GroundTruth | null;
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
  /** The latest impact of each incident and cluster (when the pipeline has an impact processor), highest impact_score first. */
  impacts: FailureImpact[];
  check: CheckResult | null;
  /** Every version of every prediction, in the order they came out (empty without a predictor). */
  predictions: { item: PredictedFailure; emittedAtMs: number }[];
  circuits: CircuitTransition[];
}

/** Event time after the last span, so holds release and quiet episodes can end. */
const TAIL_MS = 60_000;

export async function replay(
  input: ReplayInput,
  config: AgentConfig,
  options: { env?: NodeJS.ProcessEnv; onProgress?: (fed: number, total: number) => void } = {},
): Promise<ReplayReport> {
  const out = await runOffline(input.spans, input.logs, config, {
    env: options.env,
    onProgress: options.onProgress,
    tailMs: TAIL_MS,
    keep: [...DEFAULT_KEPT_LANES, 'impacts', 'predictions', 'circuits'],
  });
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
  const hasPredictor = out.processors.some((p) => p === 'predictor' || p.startsWith('predictor/'));
  const hasIncidents = out.processors.includes('incidents') || out.processors.some((p) => p.startsWith('incidents/'));
  const hasSlo = out.processors.includes('slo') || out.processors.some((p) => p.startsWith('slo/'));
  const emittedEvents = out.emitted('events').map(({ item, emittedAtMs }) => ({ event: item, emittedAtMs }));
  const episodes = episodesFromEvents(emittedEvents, endMs + TAIL_MS);
  const secondary = secondaryEpisodesFromEvents(emittedEvents, endMs + TAIL_MS);
  const incidents = fromIncidents(out.emitted('incidents').map(({ item, emittedAtMs }) => ({ update: item, emittedAtMs })));
  const detected = hasIncidents ? incidents : episodes;
  const events = emittedEvents.map((e) => e.event);
  const hasCorrelator = out.processors.some((p) => p === 'correlator' || p.startsWith('correlator/'));
  const correlations = hasCorrelator ? summarizeCorrelations(out.emitted('correlations'), events) : null;
  const latest = new Map<string, FailureImpact>();
  for (const { item } of out.emitted('impacts')) if (item.subject_type !== 'failure') latest.set(item.impact_id, item);
  const impacts = [...latest.values()].sort((a, b) => b.impact_score - a.impact_score);
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
    impacts,
    check: input.scenario
      ? checkExpectations(
          input.scenario,
          {
            episodes,
            secondary,
            incidents,
            hasIncidents,
            events,
            correlations,
            hasSlo,
            impacts,
            truth: input.truth ?? null,
            predictions: hasPredictor ? finalPredictions(out.emitted('predictions').map((p) => p.item)) : null,
          },
          firstFailureMs,
        )
      : null,
    predictions: out.emitted('predictions'),
    circuits: out.emitted('circuits').map((c) => c.item),
  };
}
