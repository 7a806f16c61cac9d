// How a BaselineSnapshot maps onto rows (migrations/0003_baselines.sql): one baseline_profiles row
// per profile key, and per hour aggregate one provider_baselines row per metric. The postgres
// exporter writes with these, the baseline processor restores with profileFromRow and the API and
// the report read the same columns, so the mapping cannot drift.
import { Buffer } from 'node:buffer';
import { BaselineFigures, HourAggregate, type BaselineSnapshot } from '../core/model/baseline.ts';
import { decodeLogHistogram } from '../core/sketch/log-histogram.ts';

export const PROFILE_COLUMNS = [
  'provider',
  'model',
  'route',
  'team',
  'model_class',
  'slot',
  'samples',
  'ready',
  'baseline',
  'current',
  'deviation',
  'open_episodes',
  'open_hour',
  'state',
  'updated_at',
  'agent_instance',
] as const;

export function profileToParams(s: BaselineSnapshot, agentInstance: string | null): unknown[] {
  return [
    s.provider,
    s.model,
    s.route,
    s.team,
    s.model_class,
    s.slot,
    s.samples,
    s.ready,
    JSON.stringify(s.baseline),
    JSON.stringify(s.current),
    JSON.stringify(s.deviation),
    JSON.stringify(s.open_episodes),
    s.hours.length > 0 ? JSON.stringify(s.hours[s.hours.length - 1]) : null,
    Buffer.from(s.state, 'base64'),
    s.at,
    agentInstance ?? '',
  ];
}

/** A fleet agent's part (migrations/0009_baseline_fleet_parts.sql): its own learning of a key. */
export const PART_KEY = ['provider', 'model', 'route', 'team', 'agent_instance'];
export const PART_COLUMNS = [...PART_KEY, 'model_class', 'samples', 'current', 'state', 'updated_at'] as const;

export function partToParams(s: BaselineSnapshot, agentInstance: string | null): unknown[] {
  return [
    s.provider,
    s.model,
    s.route,
    s.team,
    agentInstance ?? '',
    s.model_class,
    s.samples,
    JSON.stringify(s.current),
    Buffer.from(s.state, 'base64'),
    s.at,
  ];
}

/** A baseline_profile_parts row as node-postgres returns it. */
export interface PartRow {
  provider: string;
  model: string;
  route: string;
  team: string;
  agent_instance: string;
  model_class: string;
  samples: string;
  current: unknown;
  state: Buffer;
  updated_at: Date;
}

/** A part row written back as it is (the leader's retired part). */
export function partRowToParams(p: PartRow): unknown[] {
  return [
    p.provider,
    p.model,
    p.route,
    p.team,
    p.agent_instance,
    p.model_class,
    p.samples,
    JSON.stringify(p.current),
    p.state,
    p.updated_at,
  ];
}

export const HOUR_COLUMNS = [
  'provider',
  'model',
  'route',
  'team',
  'metric_name',
  'measured_at',
  'agent_instance',
  'model_class',
  'hour_of_week',
  'window_seconds',
  'p50',
  'p95',
  'p99',
  'mean',
  'sample_count',
  'total',
  'sketch',
  'details',
] as const;

/** The metric rows of one hour aggregate. */
export function hourToRows(s: BaselineSnapshot, h: HourAggregate, agentInstance: string | null): unknown[][] {
  const rows: unknown[][] = [];
  const row = (
    metric: string,
    count: number,
    total: number | null,
    quantiles: [number | null, number | null, number | null],
    sketch: Buffer | null = null,
    details: Record<string, unknown> = {},
  ) => {
    if (count <= 0) return;
    rows.push([
      s.provider,
      s.model,
      s.route,
      s.team,
      metric,
      h.hour_start,
      agentInstance ?? '',
      s.model_class,
      h.slot,
      3600,
      ...quantiles,
      total === null ? null : total / count,
      count,
      total,
      sketch,
      JSON.stringify(details),
    ]);
  };
  const seconds = (sketchText: string | null, count: number, sumMs: number, metric: string) => {
    if (sketchText === null || count <= 0) return;
    const bytes = Buffer.from(sketchText, 'base64');
    const sketch = decodeLogHistogram(bytes);
    const q = (p: number) => sketch.quantile(p) / 1000;
    row(metric, count, sumMs / 1000, [q(0.5), q(0.95), q(0.99)], bytes);
  };
  seconds(h.latency.sketch, h.latency.count, h.latency.sum, 'latency_seconds');
  seconds(h.ttft.sketch, h.ttft.count, h.ttft.sum, 'ttft_seconds');
  row('error_rate', h.requests, h.errors, [null, null, null], null, { errors_by_type: h.errors_by_type });
  row('output_tokens_per_sec', h.output_tokens_per_sec.count, h.output_tokens_per_sec.sum, [null, null, null]);
  row('cost_per_request_usd', h.cost_usd.count, h.cost_usd.sum, [null, null, null]);
  row('input_tokens_per_request', h.input_tokens.count, h.input_tokens.sum, [null, null, null]);
  row('output_tokens_per_request', h.output_tokens.count, h.output_tokens.sum, [null, null, null]);
  row('quality_failure_rate', h.quality.checked, h.quality.failed, [null, null, null]);
  return rows;
}

/** A baseline_profiles row as node-postgres returns it. */
export interface ProfileRow {
  provider: string;
  model: string;
  route: string;
  team: string;
  model_class: string;
  slot: number;
  samples: string;
  ready: boolean;
  baseline: unknown;
  current: unknown;
  deviation: unknown;
  open_episodes: unknown;
  open_hour: unknown;
  state: Buffer;
  updated_at: Date;
  agent_instance: string;
}

export interface RestoredProfile {
  provider: string;
  model: string;
  route: string;
  team: string;
  state: Uint8Array;
  openEpisodes: Record<string, number>;
  openHour: HourAggregate | null;
}

/**
 * What the baseline processor resumes from a row; throws on a row it cannot read. The hour in
 * progress is resumed only by the agent instance that wrote it: hour rows are per instance and add
 * up over instances, so another (a restarted process is a new instance) counting it again would
 * count those calls twice.
 */
export function profileFromRow(row: ProfileRow, ownInstance: string): RestoredProfile {
  const episodes: Record<string, number> = {};
  if (row.open_episodes && typeof row.open_episodes === 'object')
    for (const [k, v] of Object.entries(row.open_episodes)) if (typeof v === 'number') episodes[k] = v;
  const hour = row.open_hour === null || row.agent_instance !== ownInstance ? null : HourAggregate.parse(row.open_hour);
  return {
    provider: row.provider,
    model: row.model,
    route: row.route,
    team: row.team,
    state: new Uint8Array(row.state.buffer, row.state.byteOffset, row.state.byteLength),
    openEpisodes: episodes,
    openHour: hour,
  };
}

/** The stored figures of a row, validated (a hand-edited row is reported, not served). */
export function figuresFromRow(row: Pick<ProfileRow, 'baseline'>): BaselineFigures {
  return BaselineFigures.parse(row.baseline);
}
