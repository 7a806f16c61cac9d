// prometheus: GenAI metrics on the agent's /metrics endpoint (service.telemetry.metrics), recorded
// through ctx.meter from the calls lane (requests, errors by failure subtype, duration and token
// histograms, cost, throughput, rate-limit headroom, latency quantiles), the events lane
// (FailureEvents by category, subtype, severity, provider), the baselines lane (learned latency
// quantiles and error ratio, deviation ratios per metric) and the correlations lane (active
// clusters, their strength, root causes and effects). Label values are bounded by config.
// histograms, cost, throughput, rate-limit headroom, latency quantiles) and the events lane
// (FailureEvents by category, subtype, severity, provider), and SLO counters and evaluations from
// the slos lane (slo-series.ts), and the impact of open incidents from the impacts lane
// (impact-series.ts). Label values are bounded by config.
import type { Attributes } from '@opentelemetry/api';
import { defineExporter } from '../../agent/core/component.ts';
import { viewCall, type CallView } from './call-view.ts';
import { OPTIONAL_LABELS, PrometheusExporterConfig, type OptionalLabel } from './config.ts';
import { createCorrelationGauges } from './correlation-gauges.ts';
import { errorTypeOf } from './error-type.ts';
import { createBaselineGauges } from './baseline-gauges.ts';
import { createEventLabels } from './event-labels.ts';
import { createGenAiInstruments } from './instruments.ts';
import { createLabelLimiter, type LabelLimiter } from './label-limiter.ts';
import { createLabelSets } from './label-sets.ts';
import { createRateLimitGauges } from './rate-limit-gauges.ts';
import { createSlidingQuantiles } from './sliding-quantiles.ts';
import { createImpactSeries } from './impact-series.ts';
import { createSloSeries } from './slo-series.ts';

export const LATENCY_QUANTILES = [0.5, 0.95, 0.99] as const;

export default defineExporter({
  type: 'prometheus',
  description:
    'GenAI metrics (provider errors, latency quantiles, rate-limit headroom, failure events, OTel GenAI histograms, cost by outcome, SLO events and burn rates) on the /metrics endpoint.',
  configSchema: PrometheusExporterConfig,
  create(config, ctx) {
    const limitProvider = createLabelLimiter(config.limits.provider);
    const limiters = Object.fromEntries(OPTIONAL_LABELS.map((l) => [l, createLabelLimiter(config.limits[l])])) as Record<
      OptionalLabel,
      LabelLimiter
    >;
    const eventLabels = createEventLabels(config.labels, limitProvider, limiters);

    const m = createGenAiInstruments(ctx.meter);
    const latency = createSlidingQuantiles({
      windowMs: config.latency.window_ms,
      slices: config.latency.slices,
      relativeAccuracy: config.latency.relative_accuracy,
    });
    const rateLimits = createRateLimitGauges(config.latency.window_ms);
    const baselines = createBaselineGauges(limitProvider, limiters.requested_model);
    const correlations = createCorrelationGauges(ctx.meter, limitProvider, limiters.requested_model);
    ctx.meter.addBatchObservableCallback(
      (r) => {
        for (const s of latency.snapshot(LATENCY_QUANTILES)) {
          LATENCY_QUANTILES.forEach((q, i) => r.observe(m.latency, s.values[i], { provider: s.key, quantile: String(q) }));
          r.observe(m.latencySum, s.sum, { provider: s.key });
          r.observe(m.latencyCount, s.count, { provider: s.key });
        }
        for (const g of rateLimits.current()) {
          r.observe(m.remaining, g.remaining, g.labels);
          if (g.ratio !== null) r.observe(m.remainingRatio, g.ratio, g.labels);
        }
        for (const g of baselines.latency()) r.observe(m.baselineLatency, g.value, g.attributes);
        for (const g of baselines.errorRatio()) r.observe(m.baselineErrorRatio, g.value, g.attributes);
        const zones = baselines.zones();
        for (const g of zones.latency) r.observe(m.latencyZone, g.value, g.attributes);
        for (const g of zones.errorRatio) r.observe(m.errorRatioZone, g.value, g.attributes);
        for (const g of baselines.deviation()) r.observe(m.deviationRatio, g.value, g.attributes);
      },
      [
        m.latency,
        m.latencySum,
        m.latencyCount,
        m.remaining,
        m.remainingRatio,
        m.baselineLatency,
        m.baselineErrorRatio,
        m.latencyZone,
        m.errorRatioZone,
        m.deviationRatio,
      ],
    );

    const sloSeries = createSloSeries(ctx.meter);
    const impactSeries = createImpactSeries(ctx.meter, limitProvider);
    const labelSets = createLabelSets();
    const labelNames = ['provider', ...config.labels];
    const labelValues: string[] = [];
    const count = (counts: Map<Attributes, number>, attributes: Attributes) => counts.set(attributes, (counts.get(attributes) ?? 0) + 1);
    const recordCall = (call: CallView, eventSubtype: string | undefined, counts: Map<Attributes, number>) => {
      const provider = limitProvider(call.provider);
      labelValues.length = 0;
      labelValues.push(provider);
      for (const l of config.labels) labelValues.push(limiters[l](call.optional[l] ?? 'unknown'));
      const set = labelSets(labelNames, labelValues, call.operation);
      count(counts, set.outcome[call.outcome]);
      if (call.outcome === 'error') {
        const e = set.errorOf(errorTypeOf(call.signals, eventSubtype));
        count(counts, e.errors);
        m.duration.record(call.durationSec, e.duration);
      } else {
        m.duration.record(call.durationSec, set.op);
      }
      if (call.inputTokens !== null) m.tokens.record(call.inputTokens, set.input);
      if (call.outputTokens !== null) m.tokens.record(call.outputTokens, set.output);
      if (call.costUsd !== null && call.costUsd >= 0) m.cost.record(call.costUsd, set.cost[call.costOutcome]);
      if (call.outcome === 'ok' && call.outputTokens !== null && call.outputTokens > 0 && call.durationSec > 0) {
        m.throughput.record(call.outputTokens / call.durationSec, set.base);
      }
      if (call.outcome === 'ok') latency.observe(provider, call.endMs, call.durationSec);
      if (call.rateLimit) rateLimits.record(set.base, call.endMs, call.rateLimit);
    };

    return {
      async export(batch) {
        if (batch.baselines.length > 0) baselines.record(batch.baselines);
        if (batch.correlations.length > 0) correlations.record(batch.correlations);
        if (batch.slos.length > 0) sloSeries.record(batch.slos);
        if (batch.impacts.length > 0) impactSeries.record(batch.impacts);
        // Counters are summed per batch and added once per label set.
        const subtypeBySpan = new Map<string, string>();
        const failures = new Map<Attributes, number>();
        for (const e of batch.events) {
          if (e.span_id !== null) subtypeBySpan.set(e.span_id, e.subtype);
          count(failures, eventLabels(e));
        }
        for (const [attributes, n] of failures) m.failures.add(n, attributes);
        const counts = new Map<Attributes, number>();
        for (const item of batch.calls) {
          const call = viewCall(item);
          if (call) recordCall(call, subtypeBySpan.get(call.spanId), counts);
        }
        for (const [attributes, n] of counts) (attributes.error_type === undefined ? m.requests : m.errors).add(n, attributes);
      },
    };
  },
});
