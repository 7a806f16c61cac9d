// One key's figures for one clock hour, as sums, counts and latency sketches: what becomes the
// hour's rows of provider_baselines. Sums and mergeable sketches, not averages, so the rows of
// several agents and several hours add up exactly (the provider comparison and the weekly report).
import { Buffer } from 'node:buffer';
import type { HourAggregate } from '../../agent/core/model/baseline.ts';
import { decodeLogHistogram, LogHistogram } from '../../agent/core/sketch/log-histogram.ts';
import { isKnown, type CallSample } from './call-sample.ts';
import { HOUR_MS, hourOfWeek } from './slot.ts';

// Sums, as [count, sum] pairs.
const LAT = 0;
const TTFT = 2;
const TPS = 4;
const COST = 6;
const INPUT = 8;
const OUTPUT = 10;
const SUMS = 12;

export function createHourAccumulator(hour: number, from?: HourAggregate): HourAccumulator {
  return new HourAccumulator(hour, from);
}

/** A class rather than a closure: one or two per profile key, methods on the prototype. */
export class HourAccumulator {
  private requests: number;
  private errors: number;
  private byType: Map<string, number> | null = null;
  private readonly latency: LogHistogram;
  private ttft: LogHistogram | null;
  private readonly sums = new Float64Array(SUMS);
  private checked: number;
  private failed: number;

  constructor(
    readonly hour: number,
    from?: HourAggregate,
  ) {
    this.requests = from?.requests ?? 0;
    this.errors = from?.errors ?? 0;
    if (from && Object.keys(from.errors_by_type).length > 0) this.byType = new Map(Object.entries(from.errors_by_type));
    this.latency = from ? decodeLogHistogram(Buffer.from(from.latency.sketch, 'base64')) : new LogHistogram();
    this.ttft = from?.ttft.sketch ? decodeLogHistogram(Buffer.from(from.ttft.sketch, 'base64')) : null;
    this.checked = from?.quality.checked ?? 0;
    this.failed = from?.quality.failed ?? 0;
    if (from) {
      const totals = [from.latency, from.ttft, from.output_tokens_per_sec, from.cost_usd, from.input_tokens, from.output_tokens];
      totals.forEach((t, i) => {
        this.sums[i * 2] = t.count;
        this.sums[i * 2 + 1] = t.sum;
      });
    }
  }

  add(s: CallSample): void {
    this.requests++;
    if (!s.ok) {
      this.errors++;
      const type = s.errorType ?? 'unknown_error';
      const byType = (this.byType ??= new Map());
      byType.set(type, (byType.get(type) ?? 0) + 1);
    } else {
      this.checked++;
      if (s.qualityFailed) this.failed++;
    }
    if (isKnown(s.latencyMs)) {
      this.latency.add(s.latencyMs);
      this.addTo(LAT, s.latencyMs);
    }
    if (isKnown(s.ttftMs)) {
      (this.ttft ??= new LogHistogram()).add(s.ttftMs);
      this.addTo(TTFT, s.ttftMs);
    }
    this.addTo(TPS, s.tps);
    this.addTo(COST, s.costUsd);
    this.addTo(INPUT, s.inputTokens);
    this.addTo(OUTPUT, s.outputTokens);
  }

  toAggregate(): HourAggregate {
    const total = (at: number) => ({ count: this.sums[at], sum: this.sums[at + 1] });
    return {
      hour_start: new Date(this.hour * HOUR_MS).toISOString(),
      slot: hourOfWeek(this.hour * HOUR_MS),
      requests: this.requests,
      errors: this.errors,
      errors_by_type: this.byType ? Object.fromEntries(this.byType) : {},
      latency: { ...total(LAT), sketch: Buffer.from(this.latency.encode()).toString('base64') },
      ttft: { ...total(TTFT), sketch: this.ttft ? Buffer.from(this.ttft.encode()).toString('base64') : null },
      output_tokens_per_sec: total(TPS),
      cost_usd: total(COST),
      input_tokens: total(INPUT),
      output_tokens: total(OUTPUT),
      quality: { checked: this.checked, failed: this.failed },
    };
  }

  private addTo(at: number, v: number): void {
    if (!isKnown(v)) return;
    this.sums[at]++;
    this.sums[at + 1] += v;
  }
}
