// A live agent (the shipped agent.yaml, its own process, PostgreSQL) fed `faultline simulate
// --target` answers the impact endpoints with the figures the simulator itself counted: the
// requests and distinct users an outage failed, and the spend a volume spike wasted.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailureImpact } from '../../agent/core/model/impact.ts';
import type { GroundTruth } from '../../agent/tools/simulate/ground-truth.ts';
import { startServingAgent, type AgentProcess } from '../support/agent-process.ts';
import { runCli } from '../support/cli.ts';
import { createOwnDatabase } from '../support/database.ts';

const databases: Awaited<ReturnType<typeof createOwnDatabase>>[] = [];
const agents: AgentProcess[] = [];
let workDir: string;

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'faultline-e2e-impact-'));
});

afterAll(async () => {
  for (const agent of agents) if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
  rmSync(workDir, { recursive: true, force: true });
  for (const db of databases) await db.drop();
});

const within = (actual: number, expected: number, share: number) => Math.abs(actual - expected) <= share * expected;

async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as T };
}

/** `npm start` on a database of its own (each scenario's event time starts fresh), fed one simulated scenario. */
async function simulateAgainstAgent(scenario: string) {
  const database = await createOwnDatabase(`e2e_impact_${scenario.replaceAll('-', '_')}`);
  databases.push(database);
  const cwd = join(workDir, scenario);
  mkdirSync(cwd);
  const started = await startServingAgent(resolve('agent.yaml'), { cwd, databaseUrl: database.url });
  agents.push(started.agent);
  const truthFile = join(cwd, 'truth.json');
  const sent = await runCli(['simulate', '--scenario', scenario, '--target', started.otlp, '--truth', truthFile]);
  expect(sent.code, sent.stderr).toBe(0);
  const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as GroundTruth;
  return { agent: started.agent, apiBase: started.api, truth };
}

describe('impact of simulated faults, through the API of a live agent', () => {
  it('counts the requests and users a provider outage failed as the simulator did, within 10 %', { timeout: 300_000 }, async () => {
    const { agent, apiBase, truth } = await simulateAgainstAgent('provider-outage');
    // Provider outage: every OpenAI call fails for three minutes; the router retries once.
    const outage = truth.faults[0];
    expect(outage.failed_requests).toBeGreaterThan(100);
    // The availability SLO pages on it; its slo_burn incident counts the requests and users it failed.
    const burn = await agent.waitFor(
      'the availability burn incident’s impact',
      async () => {
        const { status, body } = await getJson<{ data: unknown[] }>(
          `${apiBase}/api/v1/impacts?subject=incident&category=provider&limit=50`,
        );
        if (status !== 200) return undefined;
        const impacts = body.data.map((d) => FailureImpact.parse(d));
        const found = impacts.find((i) => i.subtype === 'slo_burn' && i.sla_impact.some((s) => s.slo === 'availability'));
        return found && within(found.user_impact.requests, outage.failed_requests, 0.1) ? { found, impacts } : undefined;
      },
      120_000,
    );
    console.info(
      `provider-outage: simulator ${outage.failed_requests} failed requests, ${outage.failed_users} users; ` +
        `availability burn incident ${burn.found.user_impact.requests} requests, ${burn.found.user_impact.users} users`,
    );
    expect(within(burn.found.user_impact.users, outage.failed_users, 0.1), JSON.stringify(burn.found.user_impact)).toBe(true);
    // The outage incidents (one per model) add up to the failed requests, each request once.
    const outageIncidents = burn.impacts.filter((i) => i.subtype === 'outage' && i.provider === 'openai');
    expect(outageIncidents.length).toBeGreaterThan(0);
    const outageRequests = outageIncidents.reduce((s, i) => s + i.user_impact.requests, 0);
    expect(within(outageRequests, outage.failed_requests, 0.1), `${outageRequests} vs ${outage.failed_requests}`).toBe(true);
    // The ranked list is ordered by impact_score.
    const scores = burn.impacts.map((i) => i.impact_score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // The same figures through the incident's own endpoint, and one member failure's.
    const one = await getJson<unknown>(`${apiBase}/api/v1/incidents/${outageIncidents[0].subject_id}/impact`);
    expect(one.status).toBe(200);
    expect(FailureImpact.parse(one.body).user_impact.requests).toBeGreaterThanOrEqual(outageIncidents[0].user_impact.requests);
    const failures = await getJson<{ data: { failure_id: string; subtype: string }[] }>(
      `${apiBase}/api/v1/failures?category=provider&provider=openai&limit=5`,
    );
    const failureId = failures.body.data[0].failure_id;
    const failureImpact = await getJson<unknown>(`${apiBase}/api/v1/failures/${failureId}/impact`);
    expect(failureImpact.status).toBe(200);
    const fi = FailureImpact.parse(failureImpact.body);
    expect(fi.subject_id).toBe(failureId);
    expect(fi.user_impact.requests).toBe(1);
    const missing = await getJson<{ error: { code: string } }>(`${apiBase}/api/v1/failures/${'0'.repeat(32)}/impact`);
    expect(missing.status).toBe(404);

    // The SLOs the agent evaluated, with their budget and burn rates.
    const slos = await getJson<{ data: { slo: string; budget_remaining: number; burn_rates: Record<string, number | null> }[] }>(
      `${apiBase}/api/v1/slos`,
    );
    expect(slos.status).toBe(200);
    const availability = slos.body.data.find((s) => s.slo === 'availability');
    expect(availability).toBeDefined();
    expect(availability!.budget_remaining).toBeLessThan(1);
    expect(Object.keys(availability!.burn_rates)).toContain('1h');

    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
  });

  it('reports the spend a volume spike wasted as the simulator priced it, within 10 %', { timeout: 300_000 }, async () => {
    const { agent, apiBase, truth } = await simulateAgainstAgent('cost-explosion');
    // Cost explosion: a loop sends 100× one team's volume; the spend above the usual is wasted.
    const spike = truth.faults[0];
    expect(spike.spent_usd).toBeGreaterThan(0);
    const spend = await agent.waitFor(
      'the spend spike’s wasted spend',
      async () => {
        const { status, body } = await getJson<{ data: unknown[] }>(`${apiBase}/api/v1/impacts?subject=incident&limit=100`);
        if (status !== 200) return undefined;
        // On whichever incident found the spike (a spend_spike, or a rate-limit finding carrying it);
        // slo_burn incidents repeat their members' figures.
        const found = body.data.map((d) => FailureImpact.parse(d)).filter((i) => i.subtype !== 'slo_burn');
        const wasted = found.reduce((s, i) => s + i.cost_impact.wasted_usd, 0);
        return found.length > 0 && within(wasted, spike.spent_usd, 0.1) ? wasted : undefined;
      },
      120_000,
    );
    console.info(`cost-explosion: simulator spent $${spike.spent_usd} on the spike's requests; agent wasted_usd $${spend}`);
    expect(within(spend, spike.spent_usd, 0.1)).toBe(true);

    agent.child.kill('SIGTERM');
    expect(await agent.exit).toBe(0);
  });
});
