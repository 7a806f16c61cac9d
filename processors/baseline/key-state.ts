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
import { checkCall, continuation, rearmAfter, showsDeviation, type CheckContext, type Episodes } from './deviation-checks.ts';
import { baselineFigures, currentFigures, deviationRatios } from './figures.ts';
import { HourAccumulator } from './hour-aggregate.ts';
import {
  CALLS,
  COST_LOG,
  COST_N,
  COST_SUM,
  ERRORS,
  IN_RING,
  LiveWindow,
  Q_CHECKED,
  Q_FAILED,
  TIN_N,
  TIN_SUM,
  TOK_LOG,
  TOK_N,
  TOUT_N,
  TOUT_SUM,
  TPS_LOG,
  TPS_N,
  TTFT_M2,
  TTFT_MEAN,
  TTFT_N,
} from './live-window.ts';
import type { ProfileKey } from './profile-key.ts';
import { SeasonalProfile, type ProfileSettings, type SliceFold } from './seasonal-profile.ts';
import { hourIndex, hourOfWeek } from './slot.ts';
import { thresholdsFor, type Thresholds } from './thresholds.ts';

const NOTHING: Signal[] = [];
const FOLD_QUANTILES = [0.5, 0.95, 0.99];
/** The window p50/p95/p99 at a slice end; read there and done with, so one array serves every key. */
const quantiles = new Float64Array(FOLD_QUANTILES.length);
/** Snapshots take closed hours away every flush; without flushes, only this many are held. */
const MAX_HELD_HOURS = 3;

/** What a stored profile row gives back at start. */
export interface StoredProfile {
  state: Uint8Array;
  openEpisodes: Record<string, number>;
  openHour: HourAggregate | null;
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
  return new KeyState(key, modelClass, config, stored);
}

/** A class rather than a closure: one per profile key, so its methods live once on the prototype. */
export class KeyState {
  private profile: SeasonalProfile;
  /** In a fleet: the key's profile merged from every agent's part, judged against instead of this agent's own. */
  private reference: SeasonalProfile | null = null;
  private readonly window: LiveWindow;
  private readonly episodes: Episodes;
  /** Open hour aggregates, oldest first; all but the newest leave at the next snapshot. */
  private readonly hours: HourAccumulator[] = [];
  private readonly pending: { index: number; fold: SliceFold }[] = [];
  private readonly slices: number;
  private th: Thresholds | null = null;
  private dirty = false;
  private readonly checks: CheckContext;
  /** Event time each open episode was last reported (its start until reported again); not stored. */
  private readonly reported = new Map<DeviationMetric, number>();
  /** Open episodes whose reminder is due, found at a slice end, reported on the next call. */
  private readonly due: DeviationMetric[] = [];
  /** The window's latency p95 at the last slice end (for a latency reminder's evidence). */
  private lastP95 = 0;
  /** The processor's call count when a call last came to this key (a field, not a map: it is set on every call). */
  lastSeen = 0;

  constructor(
    readonly key: ProfileKey,
    readonly modelClass: string,
    private readonly config: BaselineConfig,
    stored?: StoredProfile,
  ) {
    this.slices = config.window_ms / config.slice_ms;
    this.profile = new SeasonalProfile(profileSettings(config), stored?.state);
    this.window = new LiveWindow(this.slices, config.max_window_samples);
    this.episodes = new Map(Object.entries(stored?.openEpisodes ?? {}) as [DeviationMetric, number][]);
    if (stored?.openHour) this.hours.push(new HourAccumulator(hourIndex(Date.parse(stored.openHour.hour_start)), stored.openHour));
    this.checks = { key, th: null as unknown as Thresholds, window: this.window, episodes: this.episodes, config };
  }

  /** Adds the call and returns the signals of the deviations it starts. */
  observe(call: LlmCall, sample: CallSample): Signal[] {
    const sliceIndex = Math.floor(sample.endMs / this.config.slice_ms);
    if (sliceIndex > this.window.current()) {
      this.window.advance(sliceIndex, this.complete);
      while (this.pending.length > 0 && this.pending[0].index <= sliceIndex - this.slices) this.profile.fold(this.pending.shift()!.fold);
      this.refresh(sliceIndex);
    }
    this.hourFor(sample.endMs)?.add(sample);
    this.window.add(sample, sliceIndex);
    this.profile.addSamples(1);
    this.dirty = true;
    const th = this.th;
    if (th === null || !th.judged) return NOTHING;
    this.checks.th = th;
    let found = checkCall(call, sample, this.checks);
    // The slices that led up to a deviation are still waiting to join the profile: keep them out.
    for (const signal of found) {
      const metric = signal.evidence.metric as DeviationMetric;
      this.reported.set(metric, sample.endMs);
      for (const p of this.pending) excludeMetric(p.fold, metric);
    }
    if (this.due.length > 0) found = this.remind(call, sample, found);
    return found;
  }

  /** Reports again, on this call, the due episodes it shows (the others stay due); ended ones are dropped. */
  private remind(call: LlmCall, sample: CallSample, found: Signal[]): Signal[] {
    let out = found;
    for (let i = this.due.length - 1; i >= 0; i--) {
      const metric = this.due[i];
      if (!this.episodes.has(metric) || found.some((s) => s.evidence.metric === metric)) this.due.splice(i, 1);
      else if (showsDeviation(metric, sample, this.checks.th)) {
        out = out === found ? [...found] : out;
        out.push(continuation(this.checks, call, sample, metric, this.lastP95));
        this.reported.set(metric, sample.endMs);
        this.due.splice(i, 1);
      }
    }
    return out;
  }

  /** Changed since the last snapshot. */
  isDirty(): boolean {
    return this.dirty;
  }

  /** The key as of event time nowMs (`part`: as this agent's part in a fleet); hands its closed hours over and marks the key clean. */
  snapshot(nowMs: number, part = false): BaselineSnapshot {
    const { config, window } = this;
    const slot = hourOfWeek(nowMs);
    const t = thresholdsFor(this.profile, slot, config);
    const nowSlice = Math.floor(nowMs / config.slice_ms);
    // A window that has not seen a call for a whole window length says nothing about now.
    const baseline = baselineFigures(t, config);
    const current = currentFigures(window.current() > nowSlice - this.slices ? window : null, config.window_ms);
    const hours = this.hours.map((h) => h.toAggregate());
    // The newest hour stays even once the clock has passed it: calls of it may still be on their
    // way (a batch in flight); it goes out again with the next snapshot (the rows are upserts).
    while (this.hours.length > 1) this.hours.shift();
    this.dirty = false;
    const samples = this.profile.samples();
    return {
      provider: this.key.provider,
      model: this.key.model,
      route: this.key.route,
      team: this.key.team,
      model_class: this.modelClass,
      at: new Date(nowMs).toISOString(),
      slot,
      samples,
      ready: samples >= config.ready_samples,
      baseline,
      current,
      deviation: deviationRatios(current, baseline, t),
      hours,
      open_episodes: Object.fromEntries(this.episodes),
      state: Buffer.from(this.profile.encode()).toString('base64'),
      ...(part ? { part } : {}),
    };
  }

  /** Takes a stored profile over (the database answered after this key had started fresh). */
  adopt(restored: StoredProfile): void {
    this.profile = new SeasonalProfile(profileSettings(this.config), restored.state);
    for (const [metric, since] of Object.entries(restored.openEpisodes)) this.episodes.set(metric as DeviationMetric, since);
    if (this.window.current() !== -Infinity) this.refresh(this.window.current());
    this.dirty = true;
  }

  /** Judges against the fleet's profile of the key from now on; this agent's own goes on learning (its part). */
  setReference(state: Uint8Array): void {
    this.reference = new SeasonalProfile(profileSettings(this.config), state);
    if (this.window.current() !== -Infinity) this.refresh(this.window.current());
  }

  private refresh(sliceIndex: number): void {
    this.th = thresholdsFor(this.reference ?? this.profile, hourOfWeek(sliceIndex * this.config.slice_ms), this.config);
    this.window.setThreshold(this.th.latencyThresholdMs);
  }

  private excluded(metric: DeviationMetric, atMs: number): boolean {
    const since = this.episodes.get(metric);
    return since !== undefined && atMs - since < this.config.max_exclusion_ms;
  }

  /** A slice leaves the live edge: its figures wait in `pending` until the window has passed it. */
  private readonly complete = (w: LiveWindow, index: number): void => {
    const { config } = this;
    const atMs = index * config.slice_ms;
    const hasLatency = w.latencyCount() >= config.latency.min_window_samples && w.slice(IN_RING) > 0;
    // The rearm check below reads the p95 even when the window is too small to fold.
    if (hasLatency || this.episodes.has('latency_p95')) w.latencyQuantiles(FOLD_QUANTILES, quantiles);
    this.pending.push({
      index,
      fold: {
        slot: hourOfWeek(atMs),
        hour: hourIndex(atMs),
        calls: w.slice(CALLS),
        errors: w.slice(ERRORS),
        errorsByType: w.sliceErrorsByType(),
        latencyWeight: hasLatency ? w.slice(IN_RING) : 0,
        l50: hasLatency ? Math.log(quantiles[0]) : 0,
        l95: hasLatency ? Math.log(quantiles[1]) : 0,
        l99: hasLatency ? Math.log(quantiles[2]) : 0,
        tpsWeight: sliceWeight(w, TPS_N, config.throughput.min_window_samples),
        tpsLevel: windowLevel(w, TPS_N, TPS_LOG, config.throughput.min_window_samples),
        costWeight: sliceWeight(w, COST_N, config.spend.min_window_samples),
        costLevel: windowLevel(w, COST_N, COST_LOG, config.spend.min_window_samples),
        tokensWeight: sliceWeight(w, TOK_N, config.spend.min_window_samples),
        tokensLevel: windowLevel(w, TOK_N, TOK_LOG, config.spend.min_window_samples),
        costSum: w.slice(COST_SUM),
        costN: w.slice(COST_N),
        inputSum: w.slice(TIN_SUM),
        inputN: w.slice(TIN_N),
        outputSum: w.slice(TOUT_SUM),
        outputN: w.slice(TOUT_N),
        ttftN: w.slice(TTFT_N),
        ttftMean: w.slice(TTFT_MEAN),
        ttftM2: w.slice(TTFT_M2),
        qualityChecked: w.slice(Q_CHECKED),
        qualityFailed: w.slice(Q_FAILED),
        excludeLatency: this.excluded('latency_p95', atMs),
        excludeErrors: this.excluded('error_rate', atMs),
        excludeTps: this.excluded('output_tokens_per_sec', atMs),
        excludeSpend: this.excluded('tokens_per_request', atMs) || this.excluded('cost_per_request', atMs),
      },
    });
    if (this.th !== null && rearmAfter(w, quantiles[1], this.th, this.episodes, config)) this.dirty = true;
    if (this.episodes.size > 0 || this.reported.size > 0) this.reminders(atMs + config.slice_ms, quantiles[1]);
  };

  /** After a slice end at endMs: the open episodes not reported for reminder_ms are due; ended ones are forgotten. */
  private reminders(endMs: number, p95: number): void {
    for (const metric of this.reported.keys()) if (!this.episodes.has(metric)) this.reported.delete(metric);
    this.lastP95 = p95;
    for (const [metric, since] of this.episodes)
      if (endMs - (this.reported.get(metric) ?? since) >= this.config.reminder_ms && !this.due.includes(metric)) this.due.push(metric);
  }

  private hourFor(ms: number): HourAccumulator | null {
    const hour = hourIndex(ms);
    const newest = this.hours.at(-1);
    if (newest === undefined || hour > newest.hour) {
      const h = new HourAccumulator(hour);
      this.hours.push(h);
      if (this.hours.length > MAX_HELD_HOURS) this.hours.shift();
      return h;
    }
    // A late call joins its hour while that hour is still held.
    return this.hours.find((h) => h.hour === hour) ?? null;
  }
}

/** The window's mean log level of a field, when it has enough samples (else 0). */
function windowLevel(w: LiveWindow, nField: number, logField: number, min: number): number {
  return w.sum(nField) >= min ? w.sum(logField) / w.sum(nField) : 0;
}

/** The completed slice's count of a field, as the weight of the window level (0 when the window has too few). */
function sliceWeight(w: LiveWindow, nField: number, min: number): number {
  return w.sum(nField) >= min ? w.slice(nField) : 0;
}

function excludeMetric(fold: SliceFold, metric: DeviationMetric): void {
  if (metric === 'latency_p95') fold.excludeLatency = true;
  else if (metric === 'error_rate') fold.excludeErrors = true;
  else if (metric === 'output_tokens_per_sec') fold.excludeTps = true;
  else fold.excludeSpend = true;
}
