// The weekly report as sections of prose and one table each, with every figure already formatted,
// so the markdown and HTML renderers only lay them out (and cannot disagree on a number).
import type { ModelReport, WeeklyReport, WindowFigures } from './build-report.ts';

export interface ReportSection {
  title: string;
  lines: string[];
  table: { header: string[]; rows: string[][] } | null;
}

export interface ReportDocument {
  title: string;
  lines: string[];
  sections: ReportSection[];
}

const DASH = '–';

export function reportSections(r: WeeklyReport): ReportDocument {
  const opened = r.incidents.filter((i) => Date.parse(i.opened_at) >= r.window.from.getTime());
  const bySeverity = countBy(opened.map((i) => i.severity));
  return {
    title: `faultline report: ${day(r.window.from)} to ${day(r.window.to)}`,
    lines: [
      `Window ${iso(r.window.from)} to ${iso(r.window.to)}, compared with ${iso(r.previous.from)} to ${iso(r.previous.to)} ("before").`,
      'Figures are merged over every agent writing to this database.',
    ],
    sections: [
      {
        title: 'Providers and models',
        lines: [
          'Latency of successful calls. The baseline is the learned profile as last stored, for the hour of the week it was updated in; ' +
            '"learning" marks a profile short of the calls it needs to be ready.',
        ],
        table: {
          header: [
            'provider',
            'model',
            'requests',
            'before',
            'p50',
            'p95',
            'p95 baseline',
            'p95 before',
            'errors',
            'errors baseline',
            'errors before',
            'cost / 1k tokens',
            'quality failures',
          ],
          rows: r.models.map(modelRow),
        },
      },
      {
        title: 'Incidents',
        lines: [
          r.incidents.length === 0
            ? 'No incident was active in the window.'
            : `${opened.length} opened in the window${
                opened.length
                  ? ` (${Object.entries(bySeverity)
                      .map(([s, n]) => `${s}: ${n}`)
                      .join(', ')})`
                  : ''
              }; ${r.incidents.length} active in it, newest first.`,
        ],
        table:
          r.incidents.length === 0
            ? null
            : {
                header: ['opened', 'severity', 'incident', 'state', 'lasted', 'events', 'requests affected'],
                rows: r.incidents.map((i) => [
                  iso(new Date(i.opened_at)),
                  i.severity,
                  i.title,
                  i.state,
                  i.resolved_at ? duration(Date.parse(i.resolved_at) - Date.parse(i.opened_at)) : 'open',
                  String(i.event_count),
                  String(i.affected_requests),
                ]),
              },
      },
      {
        title: 'Top failures by subtype',
        lines: [r.failures.length === 0 ? 'No failure event in the window.' : 'Failure events per category/subtype, most first.'],
        table:
          r.failures.length === 0
            ? null
            : {
                header: ['failure', 'events', 'before', 'change', 'providers'],
                rows: r.failures.map((f) => [
                  `${f.category}/${f.subtype}`,
                  String(f.count),
                  String(f.previous),
                  change(f.count, f.previous),
                  f.providers.join(', '),
                ]),
              },
      },
      {
        title: 'Provider comparison',
        lines: ['Providers side by side per model class over the window.'],
        table: {
          header: ['class', 'provider', 'models', 'requests', 'p50', 'p95', 'p99', 'errors', 'cost / 1k tokens', 'quality failures'],
          rows: r.comparison.map((c) => [
            c.model_class,
            c.provider,
            c.models.join(', '),
            String(c.requests),
            ms(c.latency_ms.p50),
            ms(c.latency_ms.p95),
            ms(c.latency_ms.p99),
            percent(c.error_rate),
            usd(c.cost_per_1k_tokens_usd),
            percent(c.quality_failure_rate),
          ]),
        },
      },
    ],
  };
}

function modelRow(m: ModelReport): string[] {
  const now: WindowFigures = m.current;
  const before = m.previous;
  const b = m.baseline;
  const learning = b && !b.ready ? ' (learning)' : '';
  return [
    m.provider,
    m.model || DASH,
    String(now.requests),
    before ? `${before.requests} (${change(now.requests, before.requests)})` : DASH,
    ms(now.latency_ms.p50),
    ms(now.latency_ms.p95),
    b ? `${ms(b.latency_p95_ms)}${learning}` : DASH,
    before ? ms(before.latency_ms.p95) : DASH,
    percent(now.error_rate),
    b ? percent(b.error_rate) : DASH,
    before ? percent(before.error_rate) : DASH,
    usd(now.cost_per_1k_tokens_usd),
    percent(now.quality_failure_rate),
  ];
}

const iso = (d: Date) => d.toISOString().replace(/\.000Z$/, 'Z');
const day = (d: Date) => d.toISOString().slice(0, 10);

function ms(v: number | null): string {
  if (v === null) return DASH;
  return v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

function percent(v: number | null): string {
  if (v === null) return DASH;
  return `${(v * 100).toFixed(v < 0.01 && v > 0 ? 2 : 1)} %`;
}

function usd(v: number | null): string {
  return v === null ? DASH : `$${v.toFixed(4)}`;
}

function change(now: number, before: number): string {
  if (before === 0) return now === 0 ? '±0 %' : 'new';
  const r = (now - before) / before;
  return `${r >= 0 ? '+' : ''}${(r * 100).toFixed(0)} %`;
}

function duration(msSpan: number): string {
  const minutes = Math.round(msSpan / 60_000);
  return minutes < 60 ? `${minutes}m` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of [...values].sort()) out[v] = (out[v] ?? 0) + 1;
  return out;
}
