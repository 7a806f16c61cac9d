// Calls of one key over a sliding window of span time: latencies of successful calls (for the p95)
// and the counts of calls and failures. The watermark is the newest span end seen, so a late call
// never moves the window back.
export class SlidingWindow {
  private readonly items: { endMs: number; durationMs: number | null }[] = [];
  private head = 0;
  private failures = 0;
  private watermark = -Infinity;

  constructor(private readonly windowMs: number) {}

  add(endMs: number, ok: boolean, durationMs: number): void {
    this.watermark = Math.max(this.watermark, endMs);
    if (endMs <= this.watermark - this.windowMs) return;
    this.items.push({ endMs, durationMs: ok ? durationMs : null });
    if (!ok) this.failures++;
  }

  /** Drops what fell out of the window at `nowMs` (the later of the clock and the watermark). */
  advance(nowMs: number): void {
    const cutoff = Math.max(nowMs, this.watermark) - this.windowMs;
    while (this.head < this.items.length && this.items[this.head].endMs <= cutoff) {
      if (this.items[this.head].durationMs === null) this.failures--;
      this.head++;
    }
    if (this.head > 1_024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  get calls(): number {
    return this.items.length - this.head;
  }

  get errors(): number {
    return this.failures;
  }

  /** The q-quantile of successful calls' durations; null with fewer than minSamples. */
  quantile(q: number, minSamples: number): number | null {
    const d: number[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const v = this.items[i].durationMs;
      if (v !== null) d.push(v);
    }
    if (d.length < minSamples) return null;
    d.sort((a, b) => a - b);
    return d[Math.max(0, Math.ceil(d.length * q) - 1)];
  }

  latestMs(): number {
    return this.watermark;
  }
}
