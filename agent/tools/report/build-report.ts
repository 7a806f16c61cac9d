// The weekly report's figures, read from PostgreSQL: per provider and model this window against
// its learned baseline and the window before, the incidents active in the window, the failure
// subtypes seen most, and the provider comparison by model class. Hour rows of every agent are
// merged (sketches and sums), so a fleet reports as one.
import type { Database } from '../../store/database.ts';
import { selectBaselineProfiles, sumHourRows, type GroupTotals } from '../../store/baseline-queries.ts';
import { figuresFromRow, type ProfileRow } from '../../store/baseline-rows.ts';
import { listIncidents } from '../../store/incident-queries.ts';
import { countFailures } from '../../store/report-queries.ts';
import type { Incident } from '../../core/model/incident.ts';

export interface ReportWindow {
  from: Date;
  to: Date;
}

/** One group's figures over a window (null where the window has no data for it). */
export interface WindowFigures {
  requests: number;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  error_rate: number | null;
  cost_per_1k_tokens_usd: number | null;
  quality_failure_rate: number | null;
}

export interface ModelReport {
  provider: string;
  model: string;
  model_class: string;
  current: WindowFigures;
  previous: WindowFigures | null;
  /** The learned profile as last stored (its figures are for the hour of the week it was updated in). */
  baseline: {
    ready: boolean;
    samples: number;
    latency_p95_ms: number | null;
    error_rate: number | null;
    cost_per_request_usd: number | null;
  } | null;
}

export interface FailureSubtypeReport {
  category: string;
  subtype: string;
  count: number;
  previous: number;
  /** Providers with events of this subtype in the window, most events first. */
  providers: string[];
}

export interface ComparisonRow extends WindowFigures {
  model_class: string;
  provider: string;
  models: string[];
}

export interface WeeklyReport {
  window: ReportWindow;
  previous: ReportWindow;
  models: ModelReport[];
  incidents: Incident[];
  failures: FailureSubtypeReport[];
  comparison: ComparisonRow[];
}

export interface ReportOptions {
  /** Failure subtypes listed at most (the most frequent first). */
  topFailures?: number;
  /** Incidents listed at most (newest opened first). */
  maxIncidents?: number;
}

const MAX_PROFILES = 10_000;

export async function buildReport(db: Database, window: ReportWindow, options: ReportOptions = {}): Promise<WeeklyReport> {
  const span = window.to.getTime() - window.from.getTime();
  const previous = { from: new Date(window.from.getTime() - span), to: window.from };
  const [current, before, profiles, incidents, failures, failuresBefore, comparison] = await Promise.all([
    sumHourRows(db, window, true),
    sumHourRows(db, previous, true),
    selectBaselineProfiles(db, MAX_PROFILES),
    listIncidents(db, { since: window.from.toISOString(), until: window.to.toISOString(), take: options.maxIncidents ?? 50 }),
    countFailures(db, window.from, window.to),
    countFailures(db, previous.from, previous.to),
    sumHourRows(db, window),
  ]);
  const modelKey = (provider: string, model: string) => `${provider}\u0000${model}`;
  const beforeByKey = new Map(before.map((g) => [modelKey(g.provider, g.models[0]), g]));
  const profileByKey = new Map<string, ProfileRow>();
  for (const p of profiles) {
    // With profiles split by route or team, the one with the most history speaks for the model.
    const key = modelKey(p.provider, p.model);
    const seen = profileByKey.get(key);
    if (!seen || Number(seen.samples) < Number(p.samples)) profileByKey.set(key, p);
  }
  const models = current.map((g): ModelReport => {
    const key = modelKey(g.provider, g.models[0]);
    const last = beforeByKey.get(key);
    const profile = profileByKey.get(key);
    return {
      provider: g.provider,
      model: g.models[0],
      model_class: g.model_class,
      current: figures(g),
      previous: last ? figures(last) : null,
      baseline: profile ? baselineOf(profile) : null,
    };
  });
  models.sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  return {
    window,
    previous,
    models,
    incidents,
    failures: topSubtypes(failures, failuresBefore, options.topFailures ?? 10),
    comparison: comparison.map((g) => ({ model_class: g.model_class, provider: g.provider, models: g.models, ...figures(g) })),
  };
}

function figures(g: GroupTotals): WindowFigures {
  const tokens = g.inputTokens + g.outputTokens;
  return {
    requests: g.requests,
    latency_ms: { p50: g.latency.p50, p95: g.latency.p95, p99: g.latency.p99 },
    error_rate: g.requests > 0 ? g.errors / g.requests : null,
    cost_per_1k_tokens_usd: tokens > 0 && g.costCalls > 0 ? (g.costUsd / tokens) * 1000 : null,
    quality_failure_rate: g.qualityChecked > 0 ? g.qualityFailed / g.qualityChecked : null,
  };
}

function baselineOf(row: ProfileRow): ModelReport['baseline'] {
  const f = figuresFromRow(row);
  return {
    ready: row.ready,
    samples: Number(row.samples),
    latency_p95_ms: f.latency_ms.p95,
    error_rate: f.error_rate.total,
    cost_per_request_usd: f.cost_per_request_usd,
  };
}

function topSubtypes(
  now: Awaited<ReturnType<typeof countFailures>>,
  before: Awaited<ReturnType<typeof countFailures>>,
  limit: number,
): FailureSubtypeReport[] {
  const groups = new Map<string, FailureSubtypeReport & { byProvider: Map<string, number> }>();
  for (const r of now) {
    const key = `${r.category}/${r.subtype}`;
    let g = groups.get(key);
    if (!g)
      groups.set(key, (g = { category: r.category, subtype: r.subtype, count: 0, previous: 0, providers: [], byProvider: new Map() }));
    g.count += r.count;
    g.byProvider.set(r.provider, (g.byProvider.get(r.provider) ?? 0) + r.count);
  }
  for (const r of before) {
    const g = groups.get(`${r.category}/${r.subtype}`);
    if (g) g.previous += r.count;
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || `${a.category}/${a.subtype}`.localeCompare(`${b.category}/${b.subtype}`))
    .slice(0, limit)
    .map(({ byProvider, ...g }) => ({
      ...g,
      providers: [...byProvider].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([p]) => p),
    }));
}
