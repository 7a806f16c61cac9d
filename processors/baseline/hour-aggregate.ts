// One key's figures for one clock hour, as sums, counts and latency sketches: what becomes the
// hour's rows of provider_baselines. Sums and mergeable sketches, not averages, so the rows of
// several agents and several hours add up exactly (the provider comparison and the weekly report).
import { Buffer } from 'node:buffer';
import type { HourAggregate } from '../../agent/core/model/baseline.ts';
import { createLogHistogram, decodeLogHistogram, type LogHistogram } from '../../agent/core/sketch/log-histogram.ts';
import type { CallSample } from './call-sample.ts';
import { HOUR_MS, hourOfWeek } from './slot.ts';

export interface HourAccumulator {
  readonly hour: number;
  add(sample: CallSample): void;
  toAggregate(): HourAggregate;
}

interface Total {
  count: number;
  sum: number;
}

export function createHourAccumulator(hour: number, from?: HourAggregate): HourAccumulator {
  let requests = from?.requests ?? 0;
  let errors = from?.errors ?? 0;
  const byType = new Map<string, number>(Object.entries(from?.errors_by_type ?? {}));
  const latency: LogHistogram = from ? decodeLogHistogram(Buffer.from(from.latency.sketch, 'base64')) : createLogHistogram();
  let ttft: LogHistogram | null = from?.ttft.sketch ? decodeLogHistogram(Buffer.from(from.ttft.sketch, 'base64')) : null;
  const total = (t?: Total): Total => ({ count: t?.count ?? 0, sum: t?.sum ?? 0 });
  const latencySum = total(from?.latency);
  const ttftSum = total(from?.ttft);
  const tps = total(from?.output_tokens_per_sec);
  const cost = total(from?.cost_usd);
  const input = total(from?.input_tokens);
  const output = total(from?.output_tokens);
  const quality = { checked: from?.quality.checked ?? 0, failed: from?.quality.failed ?? 0 };
  const addTo = (t: Total, v: number | null) => {
    if (v === null) return;
    t.count++;
    t.sum += v;
  };

  return {
    hour,
    add(s) {
      requests++;
      if (!s.ok) {
        errors++;
        const type = s.errorType ?? 'unknown_error';
        byType.set(type, (byType.get(type) ?? 0) + 1);
      } else {
        quality.checked++;
        if (s.qualityFailed) quality.failed++;
      }
      if (s.latencyMs !== null) {
        latency.add(s.latencyMs);
        addTo(latencySum, s.latencyMs);
      }
      if (s.ttftMs !== null) {
        (ttft ??= createLogHistogram()).add(s.ttftMs);
        addTo(ttftSum, s.ttftMs);
      }
      addTo(tps, s.tps);
      addTo(cost, s.costUsd);
      addTo(input, s.inputTokens);
      addTo(output, s.outputTokens);
    },
    toAggregate() {
      return {
        hour_start: new Date(hour * HOUR_MS).toISOString(),
        slot: hourOfWeek(hour * HOUR_MS),
        requests,
        errors,
        errors_by_type: Object.fromEntries(byType),
        latency: { ...latencySum, sketch: Buffer.from(latency.encode()).toString('base64') },
        ttft: { ...ttftSum, sketch: ttft ? Buffer.from(ttft.encode()).toString('base64') : null },
        output_tokens_per_sec: { ...tps },
        cost_usd: { ...cost },
        input_tokens: { ...input },
        output_tokens: { ...output },
        quality: { ...quality },
      };
    },
  };
}
