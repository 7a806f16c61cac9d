// The baselines lane on /metrics: learned latency quantiles, the baseline error ratio and each
// metric's deviation ratio, per provider and model, from the newest snapshot.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { BaselineSnapshot } from '../../../agent/core/model/baseline.ts';
import { createMetricsEndpoint, type MetricsEndpoint } from '../../../agent/telemetry/metrics-endpoint.ts';
import prometheus from '../../../exporters/prometheus/index.ts';
import { PrometheusExporterConfig } from '../../../exporters/prometheus/config.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { calls, HOUR, MONDAY, runOnEventTime } from '../../processors/baseline/traffic.ts';
import { parseScrape, type Sample } from './parse-scrape.ts';

let endpoint: MetricsEndpoint;
let samples: Sample[];
let snapshot: BaselineSnapshot;

beforeAll(async () => {
  endpoint = createMetricsEndpoint({ enabled: true, endpoint: '127.0.0.1:0' }, pino({ level: 'silent' }));
  await endpoint.start();
  const exporter = await prometheus.create(PrometheusExporterConfig.parse({}), {
    ...makeProcessorContext({ id: 'prometheus' }),
    meter: endpoint.meter,
  });
  const start = MONDAY + 9 * HOUR;
  const run = await runOnEventTime({ startMs: start }, calls({ seed: 1, startMs: start, durationMs: HOUR, rate: 1, errorRate: 0.02 }));
  const snapshots = await run.stop();
  snapshot = snapshots.at(-1)!;
  // An older snapshot after the newest changes nothing: the newest of a key is kept.
  await exporter.export(createBatch({ baselines: [snapshot, snapshots[0]] }));
  const res = await fetch(`http://127.0.0.1:${endpoint.address()!.port}/metrics`);
  samples = parseScrape(await res.text());
});

afterAll(async () => {
  await endpoint.shutdown();
});

const find = (name: string, labels: Record<string, string>) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('prometheus exporter: baselines', () => {
  it('exports the learned latency quantiles in seconds per provider and model', () => {
    const labels = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
    for (const [quantile, field] of [
      ['0.5', 'p50'],
      ['0.95', 'p95'],
      ['0.99', 'p99'],
    ] as const) {
      const [s] = find('llm_provider_baseline_latency_seconds', { ...labels, quantile });
      expect(s.value).toBeCloseTo(snapshot.baseline.latency_ms[field]! / 1000, 6);
    }
    expect(find('llm_provider_baseline_error_ratio', labels)[0].value).toBeCloseTo(snapshot.baseline.error_rate.total!, 6);
  });

  it('exports the yellow and red zones drawn from the baseline, latency in seconds and the error ratio', () => {
    const labels = { provider: 'anthropic', model: 'claude-sonnet-4-5' };
    const z = snapshot.baseline.zones;
    const zone = (name: string, which: string) => find(name, { ...labels, zone: which }).map((s) => s.value);
    expect(zone('llm_provider_latency_zone_seconds', 'yellow')).toEqual([z.latency_yellow_ms! / 1000]);
    expect(zone('llm_provider_latency_zone_seconds', 'red')).toEqual([z.latency_red_ms! / 1000]);
    // The shipped factors: yellow at 1.5 × the baseline p95, red at 2 ×.
    expect(z.latency_yellow_ms! / snapshot.baseline.latency_ms.p95!).toBeCloseTo(1.5, 2);
    expect(zone('llm_provider_error_ratio_zone', 'yellow')).toEqual([z.error_rate_yellow]);
    expect(zone('llm_provider_error_ratio_zone', 'red')).toEqual([z.error_rate_red]);
    expect(z.error_rate_red!).toBeGreaterThan(z.error_rate_yellow!);
  });

  it('exports the deviation ratio of every metric the snapshot knows, 1 meaning normal', () => {
    const ratios = find('llm_provider_deviation_ratio', { provider: 'anthropic', model: 'claude-sonnet-4-5' });
    const byMetric = Object.fromEntries(ratios.map((s) => [s.labels.metric, s.value]));
    const known = Object.entries(snapshot.deviation).filter(([, v]) => v !== null);
    expect(Object.keys(byMetric).sort()).toEqual(known.map(([k]) => k).sort());
    expect(byMetric.latency_p95).toBeCloseTo(snapshot.deviation.latency_p95!, 6);
    expect(byMetric.latency_p95).toBeGreaterThan(0.5);
    expect(byMetric.latency_p95).toBeLessThan(2);
  });
});
