import { describe, expect, it } from 'vitest';
import { createManualTime } from '../../../agent/core/clock.ts';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';
import classifier from '../../../processors/classifier/index.ts';
import { createBlastRadiusWindow } from '../../../processors/classifier/blast-radius.ts';
import { createEscalation } from '../../../processors/classifier/escalation.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { llmCall } from '../../support/llm-call-builder.ts';
import { rateLimited } from './signals.ts';

const MINUTE = 60_000;
const T0 = 1_767_225_600_000;

/** A throttled call ending at endMs, from its own trace so each is its own request. */
function throttledAt(i: number, endMs: number, model = 'gpt-4o'): LlmCall {
  const id = (i + 1).toString(16).padStart(16, '0');
  return {
    ...llmCall({ traceId: id.repeat(2), spanId: id, outcome: 'error', startMs: endMs - 200, endMs, model }),
    signals: [rateLimited()],
  };
}

async function severitiesOver(calls: LlmCall[], config: Record<string, unknown>) {
  const time = createManualTime(T0);
  const processor = await classifier.create(
    classifier.configSchema.parse(config),
    makeProcessorContext({ clock: time.clock, scheduler: time.scheduler }),
  );
  const out: string[] = [];
  for (const call of calls) {
    await time.advanceTo(call.timing.endMs);
    const batch = await processor.process(createBatch({ calls: [call] }));
    out.push(...batch.events.map((e) => e.severity));
  }
  return out;
}

// Blast radius thresholds out of reach, so only escalation can move severity.
const quiet = { blast_radius: { requests: 10_000, users: 10_000, teams: 10_000 } };

describe('escalation', () => {
  it('escalates a sustained stream of one kind once it has enough events over enough event time', async () => {
    // 6 events a minute apart: the 5th is at +4 min, the 6th at +5 min.
    const calls = Array.from({ length: 6 }, (_, i) => throttledAt(i, T0 + i * MINUTE));
    const severities = await severitiesOver(calls, { ...quiet, escalation: { min_events: 5, min_duration_ms: 5 * MINUTE } });
    expect(severities).toEqual(['P3', 'P3', 'P3', 'P3', 'P3', 'P2']);
  });

  it('does not escalate a burst that is long in count but short in event time', async () => {
    const calls = Array.from({ length: 30 }, (_, i) => throttledAt(i, T0 + i * 1_000));
    const severities = await severitiesOver(calls, { ...quiet, escalation: { min_events: 5, min_duration_ms: 5 * MINUTE } });
    expect(new Set(severities)).toEqual(new Set(['P3']));
  });

  it('does not escalate a slow trickle with too few events', async () => {
    const calls = Array.from({ length: 4 }, (_, i) => throttledAt(i, T0 + i * 3 * MINUTE));
    const severities = await severitiesOver(calls, {
      ...quiet,
      escalation: { min_events: 5, min_duration_ms: 5 * MINUTE, max_gap_ms: 10 * MINUTE },
    });
    expect(severities).toEqual(['P3', 'P3', 'P3', 'P3']);
  });

  it('starts a new stream after a gap longer than max_gap_ms', async () => {
    const early = Array.from({ length: 5 }, (_, i) => throttledAt(i, T0 + i * MINUTE));
    const late = throttledAt(5, T0 + 4 * MINUTE + 11 * MINUTE);
    const severities = await severitiesOver([...early, late], {
      ...quiet,
      escalation: { min_events: 5, min_duration_ms: 4 * MINUTE, max_gap_ms: 10 * MINUTE },
    });
    expect(severities).toEqual(['P3', 'P3', 'P3', 'P3', 'P2', 'P3']);
  });

  it('keeps streams of different kinds apart', async () => {
    const calls = Array.from({ length: 6 }, (_, i) => throttledAt(i, T0 + i * MINUTE, i % 2 === 0 ? 'gpt-4o' : 'gpt-4o-mini'));
    const severities = await severitiesOver(calls, { ...quiet, escalation: { min_events: 4, min_duration_ms: 2 * MINUTE } });
    expect(new Set(severities)).toEqual(new Set(['P3']));
  });

  it('escalates with the shipped defaults: 20 events over 10 minutes', async () => {
    const calls = Array.from({ length: 21 }, (_, i) => throttledAt(i, T0 + i * 30_000));
    const severities = await severitiesOver(calls, quiet);
    expect(severities.slice(0, 20)).toEqual(Array(20).fill('P3'));
    expect(severities[20]).toBe('P2');
  });

  it('measures a stream in event time, not by the clock', async () => {
    const time = createManualTime(T0); // the clock never moves while three minutes of spans arrive
    const processor = await classifier.create(
      classifier.configSchema.parse({ ...quiet, escalation: { min_events: 3, min_duration_ms: 2 * MINUTE } }),
      makeProcessorContext({ clock: time.clock, scheduler: time.scheduler }),
    );
    const batch = await processor.process(
      createBatch({ calls: [throttledAt(0, T0), throttledAt(1, T0 + MINUTE), throttledAt(2, T0 + 3 * MINUTE)] }),
    );
    expect(batch.events.map((e) => e.severity)).toEqual(['P3', 'P3', 'P2']);
  });
});

describe('bounded state', () => {
  it('holds at most max_kinds streams, forgetting the least recently seen', () => {
    const escalation = createEscalation({ minEvents: 2, minDurationMs: 0, maxGapMs: MINUTE, maxKinds: 3 });
    for (const kind of ['a', 'b', 'c', 'd']) escalation.observe(kind, 0);
    expect(escalation.size()).toBe(3);
    expect(escalation.observe('b', 1)).toBe(true); // still held
    expect(escalation.observe('a', 1)).toBe(false); // forgotten, starts over
  });

  it('holds at most max_kinds windows and max_entries occurrences per kind', () => {
    const window = createBlastRadiusWindow({ windowMs: 60 * MINUTE, maxKinds: 2, maxEntries: 5 });
    for (const kind of ['a', 'b', 'c']) window.record(kind, { timeMs: 0, request: 'r', user: null, team: null });
    expect(window.size()).toBe(2);
    let radius = { requests: 0, users: 0, teams: 0 };
    for (let i = 0; i < 50; i++) radius = window.record('c', { timeMs: i, request: `r${i}`, user: `u${i}`, team: `t${i}` });
    expect(radius).toEqual({ requests: 5, users: 5, teams: 5 });
  });

  it('places a late occurrence in event-time order so it leaves the window on time', () => {
    const window = createBlastRadiusWindow({ windowMs: 10_000, maxKinds: 10, maxEntries: 100 });
    window.record('k', { timeMs: 20_000, request: 'a', user: null, team: null });
    window.record('k', { timeMs: 5_000, request: 'late', user: null, team: null });
    window.record('k', { timeMs: 21_000, request: 'b', user: null, team: null });
    expect(window.record('k', { timeMs: 26_000, request: 'c', user: null, team: null }).requests).toBe(3);
  });
});
