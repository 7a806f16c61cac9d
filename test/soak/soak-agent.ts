// The agent under soak: `faultline run` in a process of its own, its log in a file, its /metrics
// scraped. The pipeline is the default chain; failure events go to PostgreSQL (through the fault
// proxy) and to an NDJSON file, which is the record of every event the agent produced.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { HEAP_LIMIT_SHARE } from '../../agent/receivers/otlp/admission.ts';

export interface SoakAgent {
  readonly child: ChildProcess;
  readonly otlpUrl: string;
  readonly eventsPath: string;
  /** The postgres exporter's spill file. */
  readonly spillPath: string;
  readonly logPath: string;
  /** faultline_* metrics by name (summed over labels); null when the endpoint does not answer. */
  scrape(): Promise<Record<string, number> | null>;
  /** SIGTERM, then the exit code (null: killed by a signal). */
  stop(timeoutMs?: number): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export async function startSoakAgent(options: {
  dir: string;
  databaseUrl: string;
  receiverUrl: string;
  heapMarkMib: number;
  /** Seconds without an event before an incident resolves (and its resolve page goes out). */
  quietPeriodSecs: number;
}): Promise<SoakAgent> {
  const { dir } = options;
  const [otlpPort, metricsPort] = [await freePort(), await freePort()];
  const eventsPath = join(dir, 'events.ndjson');
  const logPath = join(dir, 'agent.log');
  const spillPath = join(dir, 'spill', 'postgres.sqlite');
  const configPath = join(dir, 'agent.yaml');
  writeFileSync(
    configPath,
    `receivers:
  otlp:
    protocols: { http: { endpoint: "127.0.0.1:${otlpPort}" } }
    memory_limit_mib: ${options.heapMarkMib}
processors:
  normalize: {}
  trace_assembler: { wait_ms: 2000 }
  detectors: {}
  classifier: {}
  incidents: { quiet_period_ms: ${options.quietPeriodSecs * 1000} }
exporters:
  postgres: { spill: { path: "${spillPath}" } }
  ndjson/events: { path: "${eventsPath}", lanes: [events] }
  webhook/pager:
    url: "${options.receiverUrl}"
    delivery: { buffer_dir: "${join(dir, 'notify')}", initial_backoff_ms: 500, max_backoff_ms: 5000 }
storage:
  url: "${options.databaseUrl}"
api: { enabled: false }
service:
  telemetry:
    logs: { level: info }
    metrics: { endpoint: "127.0.0.1:${metricsPort}" }
  pipelines:
    genai:
      receivers: [otlp]
      processors: [normalize, trace_assembler, detectors, classifier, incidents]
      exporters: [postgres, ndjson/events, webhook/pager]
`,
  );
  const child = spawn(process.execPath, [resolve('bin/faultline.js'), 'run', '--config', configPath], {
    cwd: dir,
    // As deployed (docs/threat-model.md): a V8 heap limit the mark is 80 % of, so garbage is
    // collected before the mark and a live heap past the limit would end the agent (exit code).
    env: {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${heapLimitMib(options.heapMarkMib)}`.trim(),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.pipe(createWriteStream(logPath));
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;

  const agent: SoakAgent = {
    child,
    otlpUrl: `http://127.0.0.1:${otlpPort}`,
    eventsPath,
    spillPath,
    logPath,
    async scrape() {
      try {
        const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
        return parseMetrics(await res.text());
      } catch {
        return null;
      }
    },
    async stop(timeoutMs = 60_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exit;
      clearTimeout(timer);
      return code;
    },
  };
  // Up when it answers /metrics and its receiver accepts connections.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The agent exited (${child.exitCode}) while starting; see ${logPath}.`);
    if ((await agent.scrape()) && (await canConnect(otlpPort))) return agent;
    if (Date.now() > deadline) throw new Error(`The agent did not start within 2 minutes; see ${logPath}.`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Prometheus text → name → value summed over its series (faultline_* only; summary quantiles apart). */
function parseMetrics(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('faultline_')) continue;
    const m = /^([a-z_]+)(\{[^}]*\})? ([0-9.eE+-]+|NaN)/.exec(line);
    if (!m || m[3] === 'NaN') continue;
    // Quantiles are kept apart (their sum means nothing): name{quantile="…"}.
    const quantile = /quantile="([^"]+)"/.exec(m[2] ?? '');
    const key = quantile ? `${m[1]}{quantile="${quantile[1]}"}` : m[1];
    out[key] = (out[key] ?? 0) + Number(m[3]);
  }
  return out;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((r) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      r(true);
    });
    s.on('error', () => r(false));
  });
}

/** The V8 heap limit the agent runs under for a mark: the mark is HEAP_LIMIT_SHARE of it. */
export const heapLimitMib = (markMib: number): number => Math.ceil(markMib / HEAP_LIMIT_SHARE);
