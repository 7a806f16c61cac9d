// Reads of the baseline tables: the profiles the baseline processor restores at start and the API
// lists, and the hour rows the provider comparison and the weekly report add up (latency sketches
// merged, sums summed, over every agent and hour in the window). Every query is parameterized.
import type { Database } from './database.ts';
import { PROFILE_COLUMNS, type ProfileRow } from './baseline-rows.ts';
import { createLogHistogram, decodeLogHistogram } from '../core/sketch/log-histogram.ts';

/** Every stored profile, most recently updated first (so a capped restore keeps the live ones). */
export async function selectBaselineProfiles(db: Database, limit: number): Promise<ProfileRow[]> {
  const { rows } = await db.pool.query<ProfileRow>(
    `SELECT ${PROFILE_COLUMNS.join(', ')} FROM baseline_profiles ORDER BY updated_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

export interface ProfileFilter {
  provider?: string;
  model?: string;
  modelClass?: string;
  limit: number;
  /** Continue after this key, in (provider, model, route, team) order. */
  after?: [string, string, string, string];
}

export async function listBaselineProfiles(db: Database, filter: ProfileFilter): Promise<{ rows: ProfileRow[]; more: boolean }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.provider !== undefined) add((p) => `provider = ${p}`, filter.provider);
  if (filter.model !== undefined) add((p) => `model = ${p}`, filter.model);
  if (filter.modelClass !== undefined) add((p) => `model_class = ${p}`, filter.modelClass);
  if (filter.after) {
    params.push(...filter.after);
    const n = params.length;
    where.push(`(provider, model, route, team) > ($${n - 3}, $${n - 2}, $${n - 1}, $${n})`);
  }
  params.push(filter.limit + 1);
  const sql = `SELECT ${PROFILE_COLUMNS.join(', ')} FROM baseline_profiles${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY provider, model, route, team LIMIT $${params.length}`;
  const { rows } = await db.pool.query<ProfileRow>(sql, params);
  return { rows: rows.slice(0, filter.limit), more: rows.length > filter.limit };
}

export interface HourTotalsFilter {
  from: Date;
  to: Date;
  modelClass?: string;
  provider?: string;
  model?: string;
}

/** Figures of one group (a provider, or a provider and model) over a window, from the hour rows. */
export interface GroupTotals {
  provider: string;
  model_class: string;
  models: string[];
  requests: number;
  errors: number;
  latency: { count: number; p50: number | null; p95: number | null; p99: number | null };
  costUsd: number;
  costCalls: number;
  inputTokens: number;
  outputTokens: number;
  qualityChecked: number;
  qualityFailed: number;
}

/**
 * Adds up the hour rows in [from, to) per provider and model class (byModel: per provider and
 * model), merging the latency sketches of every hour and agent into one distribution per group.
 */
export async function sumHourRows(db: Database, filter: HourTotalsFilter, byModel = false): Promise<GroupTotals[]> {
  const where = ['measured_at >= $1', 'measured_at < $2'];
  const params: unknown[] = [filter.from, filter.to];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  add('model_class', filter.modelClass);
  add('provider', filter.provider);
  add('model', filter.model);
  const { rows } = await db.pool.query<{
    provider: string;
    model: string;
    model_class: string;
    metric_name: string;
    sample_count: string;
    total: number | null;
    sketch: Buffer | null;
  }>(
    `SELECT provider, model, model_class, metric_name, sample_count, total, sketch FROM provider_baselines WHERE ${where.join(' AND ')}`,
    params,
  );
  const groups = new Map<string, GroupTotals & { sketch: ReturnType<typeof createLogHistogram>; modelSet: Set<string> }>();
  for (const r of rows) {
    const key = byModel ? `${r.provider}\u0000${r.model}` : `${r.provider}\u0000${r.model_class}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        provider: r.provider,
        model_class: r.model_class,
        models: [],
        modelSet: new Set(),
        requests: 0,
        errors: 0,
        latency: { count: 0, p50: null, p95: null, p99: null },
        costUsd: 0,
        costCalls: 0,
        inputTokens: 0,
        outputTokens: 0,
        qualityChecked: 0,
        qualityFailed: 0,
        sketch: createLogHistogram(),
      };
      groups.set(key, g);
    }
    g.modelSet.add(r.model);
    const n = Number(r.sample_count);
    const total = r.total ?? 0;
    switch (r.metric_name) {
      case 'latency_seconds':
        if (r.sketch) g.sketch.merge(decodeLogHistogram(new Uint8Array(r.sketch.buffer, r.sketch.byteOffset, r.sketch.byteLength)));
        break;
      case 'error_rate':
        g.requests += n;
        g.errors += total;
        break;
      case 'cost_per_request_usd':
        g.costUsd += total;
        g.costCalls += n;
        break;
      case 'input_tokens_per_request':
        g.inputTokens += total;
        break;
      case 'output_tokens_per_request':
        g.outputTokens += total;
        break;
      case 'quality_failure_rate':
        g.qualityChecked += n;
        g.qualityFailed += total;
        break;
    }
  }
  return [...groups.values()]
    .map(({ sketch, modelSet, ...g }) => {
      const count = sketch.count();
      const q = (p: number) => (count > 0 ? sketch.quantile(p) : null);
      return { ...g, models: [...modelSet].sort(), latency: { count, p50: q(0.5), p95: q(0.95), p99: q(0.99) } };
    })
    .sort(
      (a, b) =>
        a.model_class.localeCompare(b.model_class) || a.provider.localeCompare(b.provider) || a.models[0].localeCompare(b.models[0]),
    );
}

/** The start of the newest hour with rows (matching the class), or null when there are none. */
export async function latestHour(db: Database, modelClass?: string): Promise<Date | null> {
  const { rows } = await db.pool.query<{ at: Date | null }>(
    `SELECT max(measured_at) AS at FROM provider_baselines${modelClass === undefined ? '' : ' WHERE model_class = $1'}`,
    modelClass === undefined ? [] : [modelClass],
  );
  return rows[0]?.at ?? null;
}
