// The learned baselines of a running agent, fed by `faultline simulate --target`, read through
// GET /api/v1/baselines; then the agent restarts on the same database: the API answers the same
// figures, the new process restores the profiles, and more traffic adds to that history rather
// than starting it over.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServingAgent, type AgentProcess } from '../support/agent-process.ts';
import { runCli } from '../support/cli.ts';
import { createOwnDatabase } from '../support/database.ts';

interface Baseline {
  provider: string;
  model: string;
  samples: number;
  updated_at: string;
  [figure: string]: unknown;
}

/** Profiles go out (and the lease holder merges them) this often instead of every minute, so the test waits seconds. */
const FLUSH_MS = 5_000;

let database: Awaited<ReturnType<typeof createOwnDatabase>>;
let workDir: string;
let configPath: string;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  database = await createOwnDatabase('e2e_baselines');
  workDir = mkdtempSync(join(tmpdir(), 'faultline-e2e-baselines-'));
  const shipped = readFileSync(resolve('agent.yaml'), 'utf8');
  const config = shipped.replace(/^  baseline: \{\}$/m, `  baseline: { flush_interval_ms: ${FLUSH_MS}, merge_interval_ms: ${FLUSH_MS} }`);
  if (config === shipped) throw new Error('agent.yaml no longer has the line `  baseline: {}` this test shortens the flush on');
  configPath = join(workDir, 'agent.yaml');
  writeFileSync(configPath, config);
});

afterAll(async () => {
  for (const a of agents) if (a.child.exitCode === null) a.child.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
  await database?.drop();
});

/** The shipped agent.yaml (flushing sooner) on free loopback ports, as `npm start` runs it. */
async function startAgent(): Promise<{ agent: AgentProcess; otlp: string; api: string }> {
  const started = await startServingAgent(configPath, { cwd: workDir, databaseUrl: database.url });
  agents.push(started.agent);
  return started;
}

async function baselines(api: string): Promise<Baseline[] | undefined> {
  const r = await fetch(`${api}/api/v1/baselines?limit=100`);
  if (r.status !== 200) return undefined;
  return ((await r.json()) as { data: Baseline[] }).data;
}

/**
 * Profiles once they have settled after traffic sent until `sentAt`: a flush taken after it, and the
 * list unchanged for three flush intervals (the trace assembler and the chain have let the last
 * calls through, and their flush has gone out).
 */
function settled(api: string, sentAt: number): () => Promise<Baseline[] | undefined> {
  let last = '';
  let since = 0;
  return async () => {
    const list = await baselines(api);
    if (!list || !list.some((b) => Date.parse(b.updated_at) > sentAt)) return undefined;
    const seen = JSON.stringify([list.map((b) => b.updated_at), figures(list)]);
    if (seen !== last) {
      last = seen;
      since = Date.now();
      return undefined;
    }
    return Date.now() - since >= 3 * FLUSH_MS ? list : undefined;
  };
}

/** What a restart must keep: everything but the snapshot's time and its current window. */
const figures = (list: Baseline[]) =>
  list
    .map(({ updated_at: _at, current: _current, deviation: _deviation, ...rest }) => rest)
    .sort((a, b) => a.provider.localeCompare(b.provider));

async function simulate(target: string, seed: number, duration: number): Promise<number> {
  const sent = await runCli([
    'simulate',
    '--scenario',
    'rate-limit-exhaustion',
    '--seed',
    String(seed),
    '--duration',
    String(duration),
    '--target',
    target,
  ]);
  expect(sent.code, sent.stderr).toBe(0);
  return Date.now();
}

describe('GET /api/v1/baselines across an agent restart', () => {
  it('answers the same figures after a restart and keeps learning from the restored history', { timeout: 600_000 }, async () => {
    const first = await startAgent();
    const sentAt = await simulate(first.otlp, 1, 240);

    const before = await first.agent.waitFor('baselines settled after the traffic', settled(first.api, sentAt), 240_000);
    expect(before.length).toBeGreaterThanOrEqual(3);
    expect(before.map((b) => b.provider).sort()).toEqual(expect.arrayContaining(['anthropic', 'openai']));
    expect(before.every((b) => b.samples > 0)).toBe(true);
    first.agent.child.kill('SIGTERM');
    expect(await first.agent.exit).toBe(0);

    const second = await startAgent();
    const restored = await second.agent.waitFor('the restored profiles', () => second.agent.logged('Restored baseline profiles.'));
    expect(restored.profiles).toBe(before.length);
    const after = await baselines(second.api);
    expect(figures(after!)).toEqual(figures(before));

    // A little more traffic: a restored profile adds it to its samples; a fresh one would hold only it.
    const sentAgain = await simulate(second.otlp, 2, 30);
    const grown = await second.agent.waitFor('baselines settled after the second traffic', settled(second.api, sentAgain), 240_000);
    const samplesBefore = new Map(before.map((b) => [`${b.provider}/${b.model}`, b.samples]));
    const moved = grown.filter((b) => Date.parse(b.updated_at) > sentAgain);
    expect(moved.length).toBeGreaterThan(0);
    for (const b of moved) expect(b.samples).toBeGreaterThan(samplesBefore.get(`${b.provider}/${b.model}`) ?? Infinity);
    second.agent.child.kill('SIGTERM');
    expect(await second.agent.exit).toBe(0);
  });
});
