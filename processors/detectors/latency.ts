// latency_degradation: per provider and model, the p99 duration of successful calls over a sliding
// window of event time (call end times) against its SLA. Reported once per episode, on the call
// whose arrival took p99 above the SLA; re-armed once p99 falls below rearm_ratio × SLA, so a p99
// hovering at the line does not report on every call. While the episode lasts it is reported again
// every reminder_ms (evidence continued: true): the incident resolves after a quiet period, and a
// slowdown that lasts is one incident, not one that resolves and reopens. Bounded: samples per key
// and keys are capped.
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import type { LatencyConfig } from './config.ts';
import { lowerBound, upperBound } from './sorted-search.ts';

interface Sample {
  endMs: number;
  durationMs: number;
}

interface KeyWindow {
  /** Arrival order; evicted from the head. */
  fifo: Sample[];
  head: number;
  /** The same durations, ascending, for the percentile. */
  sorted: number[];
  latestMs: number;
  armed: boolean;
  /** Event time of the episode's first report and of its latest one. */
  episodeStartMs: number;
  reportedMs: number;
}

export interface LatencyWindow {
  /** Records a successful call and returns the signal when it starts an episode. */
  observe(call: LlmCall): Signal | null;
  /** Provider/model pairs held (for tests and bounds). */
  size(): number;
}

export function createLatencyWindow(config: LatencyConfig): LatencyWindow {
  const keys = new Map<string, KeyWindow>();
  const slas = new Map<string, number>();
  for (const s of config.slas) slas.set(`${s.provider}\u0000${s.model ?? ''}`, s.p99_ms);

  const slaOf = (provider: string, model: string): { ms: number; scope: string } => {
    const exact = slas.get(`${provider}\u0000${model}`);
    if (exact !== undefined) return { ms: exact, scope: 'provider_model' };
    const byProvider = slas.get(`${provider}\u0000`);
    if (byProvider !== undefined) return { ms: byProvider, scope: 'provider' };
    return { ms: config.default_p99_ms, scope: 'default' };
  };

  return {
    observe(call) {
      if (call.outcome !== 'ok') return null;
      const model = call.requestModel ?? call.responseModel ?? '';
      const key = `${call.provider}\u0000${model}`;
      let w = keys.get(key);
      if (w)
        keys.delete(key); // re-inserted: Map order is least recently seen first
      else w = { fifo: [], head: 0, sorted: [], latestMs: -Infinity, armed: true, episodeStartMs: 0, reportedMs: 0 };
      keys.set(key, w);
      while (keys.size > config.max_keys) keys.delete(keys.keys().next().value as string);

      const { endMs, durationMs } = call.timing;
      w.latestMs = Math.max(w.latestMs, endMs);
      const cutoff = w.latestMs - config.window_ms;
      // A call that ended before the window is too late to count.
      if (endMs > cutoff) {
        w.fifo.push({ endMs, durationMs });
        w.sorted.splice(upperBound(w.sorted, durationMs), 0, durationMs);
      }
      while (w.head < w.fifo.length && (w.fifo[w.head].endMs <= cutoff || w.fifo.length - w.head > config.max_samples_per_key)) {
        const gone = w.fifo[w.head++];
        w.sorted.splice(lowerBound(w.sorted, gone.durationMs), 1);
      }
      if (w.head > 1_024 && w.head * 2 > w.fifo.length) {
        w.fifo = w.fifo.slice(w.head);
        w.head = 0;
      }

      const samples = w.sorted.length;
      if (samples < config.min_samples) return null;
      const p99 = w.sorted[Math.ceil(samples * 0.99) - 1];
      const sla = slaOf(call.provider, model);
      const evidence = { rule: `sla:${sla.scope}`, p99_ms: Math.round(p99), sla_ms: sla.ms, samples, window_ms: config.window_ms };
      if (!w.armed) {
        if (p99 < sla.ms * config.rearm_ratio) w.armed = true;
        // Again only on a call that is itself over the SLA: a fast call is not one of the failure's requests.
        else if (p99 > sla.ms && durationMs > sla.ms && endMs - w.reportedMs >= config.reminder_ms) {
          w.reportedMs = endMs;
          return signal({ ...evidence, continued: true, episode_started_at: new Date(w.episodeStartMs).toISOString() });
        }
        return null;
      }
      if (p99 <= sla.ms) return null;
      w.armed = false;
      w.episodeStartMs = w.reportedMs = endMs;
      return signal(evidence);
    },
    size: () => keys.size,
  };
}

function signal(evidence: Record<string, unknown>): Signal {
  return { category: 'provider', subtype: 'latency_degradation', detection_method: 'latency_sla', confidence: 1, evidence, fields: {} };
}
