// `faultline probe`: a baseline run against an OpenAI-compatible endpoint. `requests` small
// requests at `concurrency` at a time, each timed; the results summed up per model (latency
// quantiles from a log-bucket sketch, errors by status, tokens per second) for the summary table.
import { LogHistogram } from '../../core/sketch/log-histogram.ts';
import { sendProbe, type ProbeResult, type ProbeTarget } from '../../receivers/probe-client/probe-request.ts';

export interface ProbeRun {
  results: ProbeResult[];
  wallMs: number;
}

export async function runProbes(
  target: ProbeTarget,
  options: { requests: number; concurrency: number; onProgress?: (done: number, total: number) => void },
): Promise<ProbeRun> {
  const results: ProbeResult[] = new Array(options.requests);
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < options.requests) {
      const i = next++;
      results[i] = await sendProbe(target);
      options.onProgress?.(++done, options.requests);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
  return { results, wallMs: performance.now() - started };
}

export interface ProbeSummary {
  requests: number;
  ok: number;
  errorsByKind: Record<string, number>;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  outputTokensPerSec: number | null;
}

export function summarize(results: readonly ProbeResult[]): ProbeSummary {
  const latency = new LogHistogram();
  const errorsByKind: Record<string, number> = {};
  let tokens = 0;
  let tokenMs = 0;
  let ok = 0;
  for (const r of results) {
    if (r.ok) {
      ok++;
      latency.add(r.endMs - r.startMs);
      if (r.outputTokens !== null && r.endMs > r.startMs) {
        tokens += r.outputTokens;
        tokenMs += r.endMs - r.startMs;
      }
      continue;
    }
    const kind = r.status !== null ? `HTTP ${r.status}` : (r.errorType ?? 'failed');
    errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
  }
  const q = (p: number) => (latency.count() > 0 ? Math.round(latency.quantile(p)) : null);
  return {
    requests: results.length,
    ok,
    errorsByKind,
    latencyMs: { p50: q(0.5), p95: q(0.95), p99: q(0.99) },
    outputTokensPerSec: tokenMs > 0 ? Math.round((tokens * 1000 * 10) / tokenMs) / 10 : null,
  };
}

export function formatSummary(model: string, s: ProbeSummary, wallMs: number): string {
  const errors = Object.entries(s.errorsByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ×${n}`)
    .join(', ');
  const ms = (v: number | null) => (v === null ? '—' : `${v} ms`);
  const rows: [string, string][] = [
    ['model', model],
    ['requests', `${s.requests} in ${(wallMs / 1000).toFixed(1)} s`],
    ['succeeded', `${s.ok} (${((s.ok / Math.max(1, s.requests)) * 100).toFixed(1)} %)`],
    ['failed', errors === '' ? '0' : `${s.requests - s.ok}: ${errors}`],
    ['latency p50 / p95 / p99', `${ms(s.latencyMs.p50)} / ${ms(s.latencyMs.p95)} / ${ms(s.latencyMs.p99)}`],
    ['output tokens per second', s.outputTokensPerSec === null ? '—' : String(s.outputTokensPerSec)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n') + '\n';
}
