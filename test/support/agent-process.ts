// `faultline run` in a process of its own, as users run it: its JSON log lines collected from
// stderr, and a poll that gives up early (saying so) when the agent exits while a test waits.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface AgentProcess {
  child: ChildProcess;
  /** Every JSON log line so far, parsed. */
  logs: Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal). */
  exit: Promise<number | null>;
  /** The first log line with this message, if any yet. */
  logged(msg: string): Record<string, unknown> | undefined;
  /** The last lines of stderr that were not JSON log lines (a V8 fatal error, a stack trace). */
  otherOutput(): string;
  /** Polls `probe` until it returns a value; fails at the timeout or when the agent exits first. */
  waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs?: number): Promise<T>;
}

export interface AgentProcessOptions {
  /** Working directory: where ./data/… lands. Default: the repository. */
  cwd?: string;
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Node flags before the script, e.g. --cpu-prof (not all are allowed in NODE_OPTIONS). */
  nodeFlags?: readonly string[];
  /** The CLI to run. Default: this repository's bin/faultline.js. */
  cli?: string;
}

export function startAgentProcess(configPath: string, options: AgentProcessOptions = {}): AgentProcess {
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), resolve(options.cli ?? 'bin/faultline.js'), 'run', '--config', configPath],
    {
      cwd: options.cwd,
      env: options.env ? { ...process.env, ...options.env } : process.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const logs: Record<string, unknown>[] = [];
  const other: string[] = [];
  let partial = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('{')) logs.push(JSON.parse(line));
      else if (line.trim() !== '' && other.push(line) > 40) other.shift();
    }
  });
  const exit = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const lastLogs = () => JSON.stringify(logs.slice(-5));
  return {
    child,
    logs,
    exit,
    logged: (msg) => logs.find((l) => l.msg === msg),
    otherOutput: () => [...other, partial].join('\n').trim(),
    async waitFor(what, probe, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const v = await probe();
        if (v !== undefined) return v;
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`the agent exited (${child.exitCode ?? child.signalCode}) while waiting for ${what}: ${lastLogs()}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last logs: ${lastLogs()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Environment that moves every listener of the shipped agent.yaml to a free loopback port. */
export function loopbackAgentEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: databaseUrl,
    FAULTLINE_OTLP_HTTP_ENDPOINT: '127.0.0.1:0',
    FAULTLINE_OTLP_GRPC_ENDPOINT: '127.0.0.1:0',
    FAULTLINE_API_ENDPOINT: '127.0.0.1:0',
    FAULTLINE_METRICS_ENDPOINT: '127.0.0.1:0',
    FAULTLINE_API_TOKEN: '',
    FAULTLINE_LOG_LEVEL: 'info',
  };
}

/** `faultline run` on loopback ports, once its OTLP receiver and API listen: their base URLs. */
export async function startServingAgent(
  configPath: string,
  options: { cwd: string; databaseUrl: string },
): Promise<{ agent: AgentProcess; otlp: string; api: string }> {
  const agent = startAgentProcess(configPath, { cwd: options.cwd, env: loopbackAgentEnv(options.databaseUrl) });
  const otlp = await agent.waitFor('the OTLP receiver', () => agent.logged('OTLP receiver listening.'));
  const api = await agent.waitFor('the API', () => agent.logged('API listening.'));
  return { agent, otlp: `http://${otlp.http as string}`, api: `http://${api.address as string}` };
}
