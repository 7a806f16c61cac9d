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
    const strength = new Map(samples.filter((s) => s.name === 'failure_correlation_strength').map((s) => [s.labels.cluster_type, s.value]));
    expect(strength.get('cascade')).toBeGreaterThan(0.5);
    expect(strength.get('cascade')).toBeLessThanOrEqual(1);
    expect([strength.get('common_cause'), strength.get('campaign'), strength.get('temporal')]).toEqual([0, 0, 0]);
    const cluster = samples.find((s) => s.name === 'failure_correlation_root_events')!;
    expect(cluster.labels).toEqual({
      cluster_type: 'cascade',
      root_category: 'provider',
      root_subtype: 'timeout',
      root_provider: 'openai',
      root_model: 'gpt-4o',
    });
    expect(cluster.value).toBe(31);
    const effects = samples.filter((s) => s.name === 'failure_correlation_effect_events');
    expect(effects.every((s) => s.labels.root_subtype === 'timeout' && s.labels.root_model === 'gpt-4o')).toBe(true);
    expect(effects.map((s) => [s.labels.subtype, s.labels.relation, s.value])).toEqual([
      ['hallucination', 'same_trace', 10],
      ['regression', 'causal', 1],
    ]);
  });

  it('reports 0 in every series of a cluster once it closes, scraped before and after', async () => {
    const { exporter, scrape } = await exporterWithScrape();
    const updates = await cascadeUpdates(true);
    const closing = updates.filter((u) => u.cluster.state !== 'active');
    expect(closing.length).toBeGreaterThan(0);
    await exporter.export(createBatch({ correlations: updates.filter((u) => !closing.includes(u)) }));
    expect((await scrape()).find((s) => s.name === 'failure_correlation_root_events')?.value).toBe(31);
    await exporter.export(createBatch({ correlations: closing }));
    const samples = await scrape();
    const correlation = samples.filter((s) => s.name.startsWith('failure_correlation_'));
    expect(correlation.map((s) => s.name)).toContain('failure_correlation_effect_events');
    expect(correlation.filter((s) => s.value !== 0)).toEqual([]);
  });

  it('moves a cluster whose root cause changed between scrapes to its new root, the old root at 0', async () => {
    const { exporter, scrape } = await exporterWithScrape();
    const updates = await cascadeUpdates(false);
    await exporter.export(createBatch({ correlations: updates }));
    expect((await scrape()).filter((s) => s.name === 'failure_correlation_root_events').map((s) => s.labels.root_subtype)).toEqual([
      'timeout',
    ]);
    const last = updates.at(-1)!;
    const rerooted = {
      ...last,
      cluster: { ...last.cluster, revision: last.cluster.revision + 1, root_cause: { ...last.cluster.root_cause, subtype: 'outage' } },
    };
    await exporter.export(createBatch({ correlations: [rerooted] }));
    const samples = await scrape();
    const now = (name: string) => samples.filter((s) => s.name === name && s.value > 0).map((s) => s.labels.root_subtype);
    expect(now('failure_correlation_root_events')).toEqual(['outage']);
    expect(new Set(now('failure_correlation_effect_events'))).toEqual(new Set(['outage']));
    // The old root's series stay, at 0: Prometheus would otherwise keep showing their last value.
    const old = samples.filter((s) => s.name === 'failure_correlation_root_events' && s.labels.root_subtype === 'timeout');
    expect(old.map((s) => s.value)).toEqual([0]);
  });
});
