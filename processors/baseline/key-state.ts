// Everything faultline holds for one profile key: the learned profile, the live window, the open
// hour aggregates and the deviations in progress. A call moves the window on (completing slices,
// whose figures join the profile once they have left the window, so the baseline never contains
// the window it judges), then is added and judged. Slices of a deviation in progress stay out of
// the profile for up to max_exclusion_ms, so a degradation does not teach itself as normal.
import { Buffer } from 'node:buffer';
import type { BaselineSnapshot, DeviationMetric, HourAggregate } from '../../agent/core/model/baseline.ts';
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import type { CallSample } from './call-sample.ts';
import type { BaselineConfig } from './config.ts';
import { checkCall, rearmAfter, type Episodes } from './deviation-checks.ts';
import { baselineFigures, currentFigures, deviationRatios, nearestRank } from './figures.ts';
import { createHourAccumulator, type HourAccumulator } from './hour-aggregate.ts';
import { createLiveWindow, type CompletedSlice } from './live-window.ts';
import type { ProfileKey } from './profile-key.ts';
import { createSeasonalProfile, type ProfileSettings, type SliceFold } from './seasonal-profile.ts';
import { hourIndex, hourOfWeek } from './slot.ts';
import { thresholdsFor, type Thresholds } from './thresholds.ts';

function excludeMetric(fold: SliceFold, metric: DeviationMetric): void {
  if (metric === 'latency_p95') fold.exclude.latency = true;
  else if (metric === 'error_rate') fold.exclude.errors = true;
  else if (metric === 'output_tokens_per_sec') fold.exclude.tps = true;
  else fold.exclude.spend = true;
}

/** What a stored profile row gives back at start. */
export interface StoredProfile {
  state: Uint8Array;
  openEpisodes: Record<string, number>;
  openHour: HourAggregate | null;
}

export interface KeyState {
  readonly key: ProfileKey;
  readonly modelClass: string;
  observe(call: LlmCall, sample: CallSample): Signal[];
  /** Changed since the last snapshot. */
  isDirty(): boolean;
  /** The key as of event time nowMs; closes hours before nowMs's and marks the key clean. */
  snapshot(nowMs: number): BaselineSnapshot;
  /** Takes a stored profile over (the database answered after this key had started fresh). */
  adopt(stored: StoredProfile): void;
}

export function profileSettings(config: BaselineConfig): ProfileSettings {
  return {
    shrinkage: config.shrinkage_samples,
    alphaWeek: config.decay.hour_of_week,
    alphaDay: config.decay.hour_of_day,
    alphaHour: config.decay.all_hours,
    staticLogP95: Math.log(config.static.latency_p95_ms),
    staticErrorRate: config.static.error_rate,
  };
}

export function createKeyState(key: ProfileKey, modelClass: string, config: BaselineConfig, stored?: StoredProfile): KeyState {
  const sliceMs = config.slice_ms;
  const slices = config.window_ms / sliceMs;
  const settings = profileSettings(config);
  let profile = createSeasonalProfile(settings, stored?.state);
  const window = createLiveWindow(slices, config.max_window_samples);
  const episodes: Episodes = new Map(Object.entries(stored?.openEpisodes ?? {}) as [DeviationMetric, number][]);
  /** Open hour aggregates, oldest first; all but the newest leave at the next snapshot. */
  const hours: HourAccumulator[] = [];
  if (stored?.openHour) {
    const hour = hourIndex(Date.parse(stored.openHour.hour_start));
    hours.push(createHourAccumulator(hour, stored.openHour));
  }
  const pending: { index: number; fold: SliceFold }[] = [];
  let th: Thresholds | null = null;
  let dirty = false;

  const refresh = (sliceIndex: number) => {
    th = thresholdsFor(profile, hourOfWeek(sliceIndex * sliceMs), config);
    window.setThreshold(th.latencyThresholdMs);
  };

  const excluded = (metric: DeviationMetric, atMs: number) => {
    const since = episodes.get(metric);
    return since !== undefined && atMs - since < config.max_exclusion_ms;
  };

  const complete = (c: CompletedSlice) => {
    const atMs = c.index * sliceMs;
    const lat = c.windowLatencies;
    const w = c.window;
    const meanLog = (m: { n: number; log: number }, weight: number, min: number) =>
      m.n >= min && weight > 0 ? { weight, level: m.log / m.n } : null;
    pending.push({
      index: c.index,
      fold: {
        atMs,
        slot: hourOfWeek(atMs),
        hour: hourIndex(atMs),
        calls: c.calls,
        errors: c.errors,
        errorsByType: c.errorsByType,
        latency:
          lat.length >= config.latency.min_window_samples && c.latencyCount > 0
            ? {
                weight: c.latencyCount,
                l50: Math.log(nearestRank(lat, 0.5)),
                l95: Math.log(nearestRank(lat, 0.95)),
                l99: Math.log(nearestRank(lat, 0.99)),
              }
            : null,
        tps: meanLog(w.tps, c.slice.tps.n, config.throughput.min_window_samples),
        cost: meanLog(w.cost, c.slice.cost.n, config.spend.min_window_samples),
        costTotal: { sum: c.slice.cost.sum, n: c.slice.cost.n },
        tokens: meanLog(w.tokens, c.slice.tokens.n, config.spend.min_window_samples),
        inputTokens: { ...c.slice.inputTokens },
        outputTokens: { ...c.slice.outputTokens },
        ttft: c.ttft,
        quality: c.quality,
        exclude: {
          latency: excluded('latency_p95', atMs),
          errors: excluded('error_rate', atMs),
          tps: excluded('output_tokens_per_sec', atMs),
          spend: excluded('tokens_per_request', atMs) || excluded('cost_per_request', atMs),
        },
      },
    });
    if (th !== null && rearmAfter(c, th, episodes, config)) dirty = true;
  };

  const hourFor = (ms: number): HourAccumulator | null => {
    const hour = hourIndex(ms);
    const newest = hours.at(-1);
    if (newest === undefined || hour > newest.hour) {
      const h = createHourAccumulator(hour);
      hours.push(h);
      return h;
    }
    // A late call joins its hour while that hour is still held.
    return hours.find((h) => h.hour === hour) ?? null;
  };

  return {
    key,
    modelClass,
    observe(call, sample) {
      const sliceIndex = Math.floor(sample.endMs / sliceMs);
      if (sliceIndex > window.current()) {
        window.advance(sliceIndex, complete);
        while (pending.length > 0 && pending[0].index <= sliceIndex - slices) profile.fold(pending.shift()!.fold);
        refresh(sliceIndex);
      }
      hourFor(sample.endMs)?.add(sample);
      window.add(sample, sliceIndex);
      profile.addSamples(1);
      dirty = true;
      if (th === null || !th.judged) return [];
      const found = checkCall(call, sample, { key, th, window, episodes, config });
      // The slices that led up to a deviation are still waiting to join the profile: keep them out.
      for (const signal of found) {
        const metric = signal.evidence.metric as DeviationMetric;
        for (const p of pending) excludeMetric(p.fold, metric);
      }
      return found;
    },
    isDirty: () => dirty,
    snapshot(nowMs) {
      const slot = hourOfWeek(nowMs);
      const t = thresholdsFor(profile, slot, config);
      const nowSlice = Math.floor(nowMs / sliceMs);
      // A window that has not seen a call for a whole window length says nothing about now.
      const live = window.current() > nowSlice - slices ? { totals: window.totals(), latencies: window.sortedLatencies() } : null;
      const baseline = baselineFigures(t, config);
      const current = currentFigures(live, config.window_ms);
      const nowHour = hourIndex(nowMs);
      const aggregates = hours.map((h) => h.toAggregate());
      while (hours.length > 1 || (hours.length === 1 && hours[0].hour < nowHour)) hours.shift();
      dirty = false;
      const samples = profile.samples();
      return {
        provider: key.provider,
        model: key.model,
        route: key.route,
        team: key.team,
        model_class: modelClass,
        at: new Date(nowMs).toISOString(),
        slot,
        samples,
        ready: samples >= config.ready_samples,
        baseline,
        current,
        deviation: deviationRatios(current, baseline, t),
        hours: aggregates,
        open_episodes: Object.fromEntries(episodes),
        state: Buffer.from(profile.encode()).toString('base64'),
      };
    },
    adopt(restored) {
      profile = createSeasonalProfile(settings, restored.state);
      for (const [metric, since] of Object.entries(restored.openEpisodes)) episodes.set(metric as DeviationMetric, since);
      if (window.current() !== -Infinity) refresh(window.current());
      dirty = true;
    },
  };
}
