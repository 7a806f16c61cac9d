// The correlation metrics on /metrics: the prometheus exporter given what the correlator emitted for
// a fallback cascade, scraped over HTTP like Prometheus would.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createBatch } from '../../../agent/core/model/batch.ts';
import type { CorrelationUpdate } from '../../../agent/core/model/correlation.ts';
import { createMetricsEndpoint, type MetricsEndpoint } from '../../../agent/telemetry/metrics-endpoint.ts';
import { PrometheusExporterConfig } from '../../../exporters/prometheus/config.ts';
import prometheus from '../../../exporters/prometheus/index.ts';
import { makeProcessorContext } from '../../support/component-context.ts';
import { startCorrelation } from '../../support/correlation-harness.ts';
import { batches, fallbackCascade, T0 } from '../../support/failure-streams.ts';
import { parseScrape } from './parse-scrape.ts';

const endpoints: MetricsEndpoint[] = [];
afterEach(async () => {
  for (const e of endpoints.splice(0)) await e.shutdown();
});

async function exporterWithScrape() {
  const endpoint = createMetricsEndpoint({ enabled: true, endpoint: '127.0.0.1:0' }, pino({ level: 'silent' }));
  endpoints.push(endpoint);
  await endpoint.start();
  const exporter = await prometheus.create(PrometheusExporterConfig.parse({}), {
    ...makeProcessorContext({ id: 'prometheus' }),
    meter: endpoint.meter,
  });
  const scrape = async () => parseScrape(await (await fetch(`http://127.0.0.1:${endpoint.address()!.port}/metrics`)).text());
  return { exporter, scrape };
}

async function cascadeUpdates(closeAfter: boolean): Promise<CorrelationUpdate[]> {
  const h = await startCorrelation({ incidents: false, correlator: { window_ms: 120_000, check_interval_ms: 5_000 } });
  await h.feedAll(batches(fallbackCascade({ fromMs: 60_000, requests: 20, everyMs: 3_000 }), 5_000));
  if (closeAfter) await h.advanceTo(T0 + 10 * 60_000);
  return h.correlations;
}

describe('correlation metrics', () => {
  it('counts the active clusters by type and shows each with its root cause and effects', async () => {
    const { exporter, scrape } = await exporterWithScrape();
    await exporter.export(createBatch({ correlations: await cascadeUpdates(false) }));
    const samples = await scrape();
    const active = samples.filter((s) => s.name === 'failure_correlation_clusters_active');
    expect(Object.fromEntries(active.map((s) => [s.labels.cluster_type, s.value]))).toEqual({
      cascade: 1,
      common_cause: 0,
      campaign: 0,
      temporal: 0,
    });
    const strength = samples.filter((s) => s.name === 'failure_correlation_strength');
    expect(strength.map((s) => s.labels.cluster_type)).toEqual(['cascade']);
    expect(strength[0].value).toBeGreaterThan(0.5);
    expect(strength[0].value).toBeLessThanOrEqual(1);
    const cluster = samples.find((s) => s.name === 'failure_correlation_cluster_events')!;
    expect(cluster.labels).toMatchObject({
      cluster_type: 'cascade',
      root_category: 'provider',
      root_subtype: 'timeout',
      root_provider: 'openai',
      root_model: 'gpt-4o',
    });
    expect(cluster.value).toBe(31);
    const effects = samples.filter((s) => s.name === 'failure_correlation_effect_events');
    expect(effects.map((s) => [s.labels.subtype, s.labels.relation, s.value])).toEqual([
      ['hallucination', 'same_trace', 10],
      ['regression', 'causal', 1],
    ]);
  });

  it('drops a cluster from every series once it closes', async () => {
    const { exporter, scrape } = await exporterWithScrape();
    await exporter.export(createBatch({ correlations: await cascadeUpdates(true) }));
    const samples = await scrape();
    expect(samples.filter((s) => s.name === 'failure_correlation_clusters_active').every((s) => s.value === 0)).toBe(true);
    expect(samples.filter((s) => s.name.startsWith('failure_correlation_') && s.name !== 'failure_correlation_clusters_active')).toEqual(
      [],
    );
  });
});
