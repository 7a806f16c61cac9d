// Rate-limit exhaustion for one deployment and one limit (requests or tokens): the consumption rate
// is an EWMA of Δused/Δt between readings of the remaining header (used = limit − remaining), so it
// is the net drain, refill included. The limit is exhausted in remaining / rate seconds, unless a
// fixed window resets first. A window is taken as fixed once it has been seen to refill at once at
// the instant its reset header announced; until then the reset is a rolling refill (OpenAI's and
// Anthropic's buckets), which the net rate already accounts for.
export interface Reading {
  atMs: number;
  remaining: number;
  limit: number | null;
  resetSecs: number | null;
}

export interface Exhaustion {
  remaining: number;
  limit: number | null;
  utilization: number | null;
  ratePerSec: number;
  secsToExhaustion: number | null;
  secsToReset: number | null;
  samples: number;
}

const FIXED_RESET_TOLERANCE_MS = 2_000;
const RESET_JUMP = 0.5;
/** At the instant a reset was announced, a smaller jump back up is that reset. */
const ANNOUNCED_RESET_JUMP = 0.1;

export class RateLimitTrend {
  private anchor: Reading | null = null;
  private last: Reading | null = null;
  private rate = 0;
  private samples = 0;
  private resetAtMs: number | null = null;
  private fixedWindow = false;

  constructor(
    private readonly tauSecs: number,
    private readonly minIntervalMs: number,
  ) {}

  observe(r: Reading): void {
    // A late reading (out of span order) would make the rate run backwards.
    if (this.last && r.atMs < this.last.atMs) return;
    // A window that reset between the readings (most of the limit back at once) says nothing about
    // the rate; one that did so at the instant its reset header announced is a fixed window.
    const jump = this.last !== null && r.limit !== null ? (r.remaining - this.last.remaining) / r.limit : 0;
    const atAnnouncedReset = this.resetAtMs !== null && this.resetAtMs <= r.atMs + FIXED_RESET_TOLERANCE_MS;
    const refilled = jump > RESET_JUMP || (atAnnouncedReset && jump > ANNOUNCED_RESET_JUMP);
    if (refilled && atAnnouncedReset) this.fixedWindow = true;
    this.resetAtMs = r.resetSecs === null ? null : r.atMs + r.resetSecs * 1000;
    this.last = r;
    if (!this.anchor || refilled) {
      this.anchor = r;
      return;
    }
    const dtMs = r.atMs - this.anchor.atMs;
    if (dtMs < this.minIntervalMs) return;
    const sample = (this.anchor.remaining - r.remaining) / (dtMs / 1000);
    const weight = 1 - Math.exp(-dtMs / 1000 / this.tauSecs);
    this.rate = this.samples === 0 ? sample : this.rate + weight * (sample - this.rate);
    this.samples++;
    this.anchor = r;
  }

  forecast(nowMs: number): Exhaustion | null {
    const r = this.last;
    if (!r) return null;
    const utilization = r.limit !== null && r.limit > 0 ? Math.min(1, Math.max(0, 1 - r.remaining / r.limit)) : null;
    const secsToReset = this.fixedWindow && this.resetAtMs !== null ? Math.max(0, (this.resetAtMs - nowMs) / 1000) : null;
    let secsToExhaustion: number | null = null;
    if (this.rate > 0) {
      // The remaining count as of now: the drain has gone on since the reading.
      const sinceSecs = Math.max(0, (nowMs - r.atMs) / 1000);
      secsToExhaustion = Math.max(0, r.remaining / this.rate - sinceSecs);
      if (secsToReset !== null && secsToReset < secsToExhaustion) secsToExhaustion = null;
    }
    return {
      remaining: r.remaining,
      limit: r.limit,
      utilization,
      ratePerSec: this.rate,
      secsToExhaustion,
      secsToReset,
      samples: this.samples,
    };
  }

  lastSeenMs(): number {
    return this.last?.atMs ?? -Infinity;
  }
}
