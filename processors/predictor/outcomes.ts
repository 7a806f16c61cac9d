// Predictions and how they turned out. A risk whose score reaches min_score becomes a pending
// prediction; the first failure of its type on its provider/model within the horizon confirms it
// (lead = failure time − prediction time); past the horizon it expires (a false alarm). A failure
// that starts an episode with no pending prediction is recorded as missed. Predictions stay
// tracked until their risk has passed (score under clear_score for clear_after_ms, no failure in
// that time), which is what the actions exporter waits for before undoing what it did.
import { createHash } from 'node:crypto';
import type { PredictedFailure, PredictedFailureType, RecommendedAction } from '../../agent/core/model/prediction.ts';
import type { PredictorConfig } from './config.ts';

export interface Subject {
  provider: string;
  model: string | null;
  deployment: string | null;
  type: PredictedFailureType;
}

export interface Risk extends Subject {
  score: number;
  secsToFailure: number | null;
  indicators: Record<string, number | null>;
  action: RecommendedAction;
  /** The indicator is past its failure line now: a failure episode of this kind is still going on. */
  atFailureLine?: boolean;
}

interface Tracked {
  p: PredictedFailure;
  lowSinceMs: number | null;
  current: number;
}

export interface Accuracy {
  confirmed: number;
  expired: number;
  missed: number;
  leads: number[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const episodeKey = (s: Pick<Subject, 'provider' | 'model' | 'type'>) => `${s.provider}\u0000${s.model ?? ''}\u0000${s.type}`;
const riskKey = (s: Subject) => `${episodeKey(s)}\u0000${s.deployment ?? ''}`;

export function predictionId(s: Subject, atMs: number, kind: 'prediction' | 'miss'): string {
  return createHash('sha256')
    .update(`${kind}\u0000${riskKey(s)}\u0000${atMs}`)
    .digest('hex')
    .slice(0, 32);
}

export class Outcomes {
  private readonly tracked = new Map<string, Tracked>();
  private readonly lastFailureMs = new Map<string, number>();
  readonly accuracy = new Map<PredictedFailureType, Accuracy>();

  constructor(private readonly config: PredictorConfig) {}

  /** Pending and still-active predictions from the store (a restart resumes scoring them). */
  restore(predictions: readonly PredictedFailure[]): void {
    for (const p of predictions) this.tracked.set(riskKey(subjectOf(p)), { p, lowSinceMs: null, current: p.active ? p.score : 0 });
  }

  /** The current score of each tracked risk (for the gauge). */
  currentScores(): { provider: string; type: PredictedFailureType; score: number }[] {
    return [...this.tracked.values()].map((t) => ({ provider: t.p.provider, type: t.p.failure_type, score: t.current }));
  }

  isInEpisode(s: Pick<Subject, 'provider' | 'model' | 'type'>, nowMs: number): boolean {
    const last = this.lastFailureMs.get(episodeKey(s));
    return last !== undefined && nowMs - last <= this.config.quiet_ms;
  }

  /** An episode under way stays one while its indicator is past the line, however long its detector stays silent. */
  private continueEpisode(s: Pick<Subject, 'provider' | 'model' | 'type'>, nowMs: number): void {
    const key = episodeKey(s);
    const last = this.lastFailureMs.get(key);
    if (last !== undefined && nowMs - last <= this.config.quiet_ms && nowMs > last) this.lastFailureMs.set(key, nowMs);
  }

  private failedWithin(s: Pick<Subject, 'provider' | 'model' | 'type'>, nowMs: number, ms: number): boolean {
    const last = this.lastFailureMs.get(episodeKey(s));
    return last !== undefined && nowMs - last <= ms;
  }

  /** A failure of a predicted type happened at `atMs`; returns the predictions it settles (or its miss). */
  failure(s: Subject, atMs: number, failureId: string | null): PredictedFailure[] {
    const key = episodeKey(s);
    const last = this.lastFailureMs.get(key);
    if (last !== undefined && atMs <= last + this.config.quiet_ms) {
      if (atMs > last) this.lastFailureMs.set(key, atMs);
      return [];
    }
    this.lastFailureMs.set(key, atMs);
    const out: PredictedFailure[] = [];
    let confirmed = false;
    for (const t of this.tracked.values()) {
      const p = t.p;
      if (p.status !== 'pending' || episodeKey(subjectOf(p)) !== key) continue;
      if (s.deployment !== null && p.deployment !== null && p.deployment !== s.deployment) continue;
      const predictedMs = Date.parse(p.predicted_at);
      if (predictedMs > atMs) {
        // Made while the failure was already under way (its span arrived later): no foresight.
        t.p = { ...p, status: 'cancelled', active: false, resolved_at: iso(atMs), updated_at: iso(atMs) };
        out.push(t.p);
        continue;
      }
      if (atMs > predictedMs + p.horizon_secs * 1000) continue;
      const lead = (atMs - predictedMs) / 1000;
      t.p = { ...p, status: 'confirmed', outcome_failure_id: failureId, lead_secs: lead, resolved_at: iso(atMs), updated_at: iso(atMs) };
      this.count(p.failure_type, 'confirmed', lead);
      out.push(t.p);
      confirmed = true;
    }
    for (const [k, t] of this.tracked) if (t.p.status === 'cancelled') this.tracked.delete(k);
    if (!confirmed) {
      this.count(s.type, 'missed');
      out.push({
        prediction_id: predictionId(s, atMs, 'miss'),
        provider: s.provider,
        model: s.model,
        deployment: s.deployment,
        failure_type: s.type,
        score: 0,
        active: false,
        predicted_at: iso(atMs),
        expected_at: null,
        horizon_secs: 0,
        indicators: {},
        recommended_action: 'watch',
        status: 'missed',
        outcome_failure_id: failureId,
        lead_secs: null,
        resolved_at: iso(atMs),
        updated_at: iso(atMs),
      });
    }
    return out;
  }

  /** One evaluation: the risks seen now (every key evaluated; a key absent has score 0). */
  evaluate(nowMs: number, risks: readonly Risk[]): PredictedFailure[] {
    const out: PredictedFailure[] = [];
    const seen = new Set<string>();
    for (const r of risks) {
      if (r.atFailureLine) this.continueEpisode(r, nowMs);
      const key = riskKey(r);
      seen.add(key);
      const t = this.tracked.get(key);
      if (t && t.p.status === 'expired' && r.score >= this.config.min_score && !this.isInEpisode(r, nowMs)) {
        // A new risk after a false alarm is a new prediction; the old one's risk is over.
        if (t.p.active) out.push({ ...t.p, active: false, updated_at: iso(nowMs) });
        this.tracked.delete(key);
      } else if (t) {
        const update = this.follow(t, r.score, nowMs, r);
        if (update) out.push(update);
        continue;
      }
      if (r.score < this.config.min_score || this.isInEpisode(r, nowMs)) continue;
      const p = this.open(r, nowMs);
      this.tracked.set(key, { p, lowSinceMs: null, current: r.score });
      out.push(p);
    }
    for (const [key, t] of this.tracked) {
      if (!seen.has(key)) {
        const update = this.follow(t, 0, nowMs, null);
        if (update) out.push(update);
      }
      if (t.p.status === 'pending' && nowMs > Date.parse(t.p.predicted_at) + t.p.horizon_secs * 1000) {
        t.p = { ...t.p, status: 'expired', resolved_at: iso(nowMs), updated_at: iso(nowMs) };
        this.count(t.p.failure_type, 'expired');
        out.push(t.p);
      }
      if (t.p.status !== 'pending' && !t.p.active) this.tracked.delete(key);
    }
    return out;
  }

  private open(r: Risk, nowMs: number): PredictedFailure {
    const secs = r.secsToFailure ?? this.config.max_horizon_secs;
    const horizon = this.horizonFor(secs);
    return {
      prediction_id: predictionId(r, nowMs, 'prediction'),
      provider: r.provider,
      model: r.model,
      deployment: r.deployment,
      failure_type: r.type,
      score: round3(r.score),
      active: true,
      predicted_at: iso(nowMs),
      expected_at: iso(nowMs + secs * 1000),
      horizon_secs: horizon,
      indicators: r.indicators,
      recommended_action: r.action,
      status: 'pending',
      outcome_failure_id: null,
      lead_secs: null,
      resolved_at: null,
      updated_at: iso(nowMs),
    };
  }

  /** Follows a tracked risk's score; returns a new version when its peak or its activity changes. */
  private follow(t: Tracked, score: number, nowMs: number, r: Risk | null): PredictedFailure | null {
    t.current = score;
    const p = t.p;
    if (score >= this.config.clear_score || this.failedWithin(subjectOf(p), nowMs, this.config.clear_after_ms)) {
      t.lowSinceMs = null;
    } else if (t.lowSinceMs === null) {
      t.lowSinceMs = nowMs;
    }
    const passed = t.lowSinceMs !== null && nowMs - t.lowSinceMs >= this.config.clear_after_ms;
    const peakBand = (x: number) => (x >= 0.8 ? 2 : x >= this.config.min_score ? 1 : 0);
    const raised = r !== null && peakBand(score) > peakBand(p.score);
    if (p.active && passed) {
      t.p = { ...p, active: false, updated_at: iso(nowMs) };
      return t.p;
    }
    if (!p.active && !passed && score >= this.config.min_score && p.status === 'pending') {
      t.p = { ...p, active: true, score: Math.max(p.score, round3(score)), updated_at: iso(nowMs) };
      return t.p;
    }
    if (raised && r) {
      const secs = r.secsToFailure;
      const renewed = p.status === 'pending' && secs !== null;
      // A pending prediction raised on a newer estimate stands until that estimate's horizon: it
      // must not expire as a false alarm on its first estimate while its risk is climbing.
      const ageSecs = (nowMs - Date.parse(p.predicted_at)) / 1000;
      t.p = {
        ...p,
        score: round3(score),
        indicators: r.indicators,
        expected_at: renewed ? iso(nowMs + secs * 1000) : p.expected_at,
        horizon_secs: renewed ? Math.max(p.horizon_secs, Math.round(ageSecs + this.horizonFor(secs))) : p.horizon_secs,
        updated_at: iso(nowMs),
      };
      return t.p;
    }
    return null;
  }

  /** Twice the expected time plus a minute, within min_horizon_secs..max_horizon_secs. */
  private horizonFor(secs: number): number {
    return Math.round(Math.min(this.config.max_horizon_secs, Math.max(this.config.min_horizon_secs, secs * 2 + 60)));
  }

  private count(type: PredictedFailureType, what: 'confirmed' | 'expired' | 'missed', lead?: number): void {
    let a = this.accuracy.get(type);
    if (!a) this.accuracy.set(type, (a = { confirmed: 0, expired: 0, missed: 0, leads: [] }));
    a[what]++;
    if (lead !== undefined) {
      a.leads.push(lead);
      if (a.leads.length > 1_000) a.leads.shift();
    }
  }
}

function subjectOf(p: PredictedFailure): Subject {
  return { provider: p.provider, model: p.model, deployment: p.deployment, type: p.failure_type };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
