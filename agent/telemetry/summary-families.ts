// OpenTelemetry has no summary instrument, but Prometheus only accepts a `quantile` label on a
// summary (promtool: 'non-summary metrics should not have "quantile" label'). A component that
// publishes quantiles over a window registers, through its meter, an observable gauge `<name>`
// whose points carry a `quantile` attribute, plus `<name>_sum` and `<name>_count`; the scrape
// endpoint takes those out of what the OpenTelemetry serializer renders and writes them here as
// one Prometheus summary family (quantiles over the window, sum and count cumulative, as
// client_golang's summaries do).
import { DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';

type Attributes = Record<string, unknown>;

interface SummaryFamily {
  name: string;
  help: string;
  quantiles: MetricData;
  sum?: MetricData;
  count?: MetricData;
}

/** Splits the summary families (and their _sum/_count parts) out of a collection. */
export function splitSummaryFamilies(resourceMetrics: ResourceMetrics): { rest: ResourceMetrics; families: SummaryFamily[] } {
  const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
  const families = new Map<string, SummaryFamily>();
  for (const m of all) {
    if (m.dataPointType !== DataPointType.GAUGE) continue;
    if (!m.dataPoints.some((p) => 'quantile' in (p.attributes as Attributes))) continue;
    families.set(m.descriptor.name, { name: m.descriptor.name, help: m.descriptor.description, quantiles: m });
  }
  const taken = new Set(families.keys());
  for (const m of all) {
    const name = m.descriptor.name;
    for (const part of ['sum', 'count'] as const) {
      const family = name.endsWith(`_${part}`) ? families.get(name.slice(0, -part.length - 1)) : undefined;
      if (!family) continue;
      family[part] = m;
      taken.add(name);
    }
  }
  const rest: ResourceMetrics = {
    resource: resourceMetrics.resource,
    scopeMetrics: resourceMetrics.scopeMetrics.map((s) => ({ ...s, metrics: s.metrics.filter((m) => !taken.has(m.descriptor.name)) })),
  };
  return { rest, families: [...families.values()] };
}

/** Prometheus text (0.0.4) for the summary families. */
export function renderSummaryFamilies(families: readonly SummaryFamily[]): string {
  let out = '';
  for (const f of families) {
    out += `# HELP ${f.name} ${escapeHelp(f.help || 'description missing')}\n# TYPE ${f.name} summary\n`;
    // Group by the labels other than quantile, so each series' quantiles, sum and count sit together.
    const series = new Map<string, { labels: Attributes; lines: string[] }>();
    const seriesOf = (attributes: Attributes) => {
      const labels = Object.fromEntries(Object.entries(attributes).filter(([k]) => k !== 'quantile'));
      const key = renderLabels(labels);
      let s = series.get(key);
      if (!s) series.set(key, (s = { labels, lines: [] }));
      return s;
    };
    for (const p of f.quantiles.dataPoints) {
      const attributes = p.attributes as Attributes;
      const s = seriesOf(attributes);
      s.lines.push(`${f.name}${renderLabels({ ...s.labels, quantile: attributes.quantile })} ${formatValue(p.value as number)}`);
    }
    for (const part of ['sum', 'count'] as const) {
      for (const p of f[part]?.dataPoints ?? []) {
        const s = seriesOf(p.attributes as Attributes);
        s.lines.push(`${f.name}_${part}${renderLabels(s.labels)} ${formatValue(p.value as number)}`);
      }
    }
    for (const s of series.values()) out += `${s.lines.join('\n')}\n`;
  }
  return out;
}

function renderLabels(labels: Attributes): string {
  const parts = Object.entries(labels).map(
    ([k, v]) => `${k.replace(/[^a-zA-Z0-9_]/g, '_')}="${escapeLabel(typeof v === 'string' ? v : JSON.stringify(v))}"`,
  );
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const formatValue = (v: number) => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : Number.isNaN(v) ? 'NaN' : String(v));
