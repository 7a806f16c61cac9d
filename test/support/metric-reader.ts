// A real OpenTelemetry meter whose values a test reads on demand (a MetricReader collected by
// hand, as a scrape would): counters as their sum, gauges as their last value, per metric name,
// for the data points whose attributes match.
import type { Meter } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';

class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface TestMeter {
  meter: Meter;
  /** name → value summed over the points whose attributes include `where`. */
  read(where?: Record<string, string>): Promise<Record<string, number>>;
}

export function createTestMeter(): TestMeter {
  const reader = new OnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  return {
    meter: provider.getMeter('test'),
    async read(where = {}) {
      const { resourceMetrics } = await reader.collect();
      const out: Record<string, number> = {};
      for (const scope of resourceMetrics.scopeMetrics) {
        for (const metric of scope.metrics) {
          for (const point of metric.dataPoints) {
            const matches = Object.entries(where).every(([k, v]) => point.attributes[k] === v);
            if (matches && typeof point.value === 'number') out[metric.descriptor.name] = (out[metric.descriptor.name] ?? 0) + point.value;
          }
        }
      }
      return out;
    },
  };
}
