// A batch's calls fed to the spike episodes in event-time order, each after the episodes the
// batch's earlier cost events open: a spike's waste counts the calls that follow it, not those before.
import type { FailureEvent } from '../../agent/core/model/failure-event.ts';
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import { parseIsoTime } from './iso-time.ts';
import type { SpikeEpisodes } from './spike-episodes.ts';

/** The window a spend spike's detector measured over, when its evidence does not say. */
const DEFAULT_SPIKE_WINDOW_MS = 60_000;

interface Opening {
  e: FailureEvent;
  ms: number;
}

const byTime = (a: Opening, b: Opening) => a.ms - b.ms;
const byEnd = (a: LlmCall, b: LlmCall) => a.timing.endMs - b.timing.endMs;

const isSpendSpike = (e: FailureEvent) =>
  (e.category === 'cost' && e.subtype === 'spend_spike') || e.secondary.some((m) => m.category === 'cost' && m.subtype === 'spend_spike');

const opensEpisode = (e: FailureEvent) => e.span_id !== null && ((e.category === 'cost' && e.subtype === 'token_spike') || isSpendSpike(e));

/** Sets in `changed` the episode waste of each failure the calls changed. */
export function feedEpisodes(
  episodes: SpikeEpisodes,
  calls: readonly LlmCall[],
  events: readonly FailureEvent[],
  callBySpan: ReadonlyMap<string, LlmCall>,
  changed: Map<string, number>,
): void {
  let openings: Opening[] | null = null;
  for (const e of events) if (opensEpisode(e)) (openings ??= []).push({ e, ms: parseIsoTime(e.timestamp) });
  if (openings === null) {
    for (const call of calls) episodes.observe(call, changed);
    return;
  }
  openings.sort(byTime);
  let next = 0;
  for (const call of [...calls].sort(byEnd)) {
    for (; next < openings.length && openings[next].ms < call.timing.endMs; next++)
      openEpisode(episodes, openings[next].e, callBySpan, changed);
    episodes.observe(call, changed);
  }
  for (; next < openings.length && openings[next].ms < Infinity; next++) openEpisode(episodes, openings[next].e, callBySpan, changed);
}

function openEpisode(
  episodes: SpikeEpisodes,
  e: FailureEvent,
  callBySpan: ReadonlyMap<string, LlmCall>,
  changed: Map<string, number>,
): void {
  const call = callBySpan.get(e.span_id!);
  if (!call) return;
  const usual = typeof e.evidence.baseline === 'number' ? e.evidence.baseline : null;
  const threshold = typeof e.evidence.threshold === 'number' ? e.evidence.threshold : null;
  if (e.subtype === 'token_spike') {
    if (usual !== null && threshold !== null) episodes.openTokenRun(e.failure_id, call, usual, threshold);
    return;
  }
  // A spend spike found only as a secondary match (on a call whose primary failure is, say, a
  // rate-limit finding) still wastes money: its episode is charged to the carrying failure,
  // unless an episode of the same scope is already open.
  const secondaryOnly = !(e.category === 'cost' && e.subtype === 'spend_spike');
  if (secondaryOnly && episodes.hasSpendSpike(call)) return;
  const windowMs = !secondaryOnly && typeof e.evidence.window_ms === 'number' ? e.evidence.window_ms : DEFAULT_SPIKE_WINDOW_MS;
  changed.set(e.failure_id, episodes.openSpendSpike(e.failure_id, call, parseIsoTime(e.timestamp), windowMs));
}
