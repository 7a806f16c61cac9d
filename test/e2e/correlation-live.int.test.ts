// A fallback cascade against the agent as `npm start` runs it (the shipped agent.yaml plus a webhook
// receiver, its own process, PostgreSQL): `faultline simulate --scenario fallback-cascade --target …`
// in two halves with an agent restart between them. The API shows one cluster rooted at the primary
// model's timeouts, and the webhook gets pages for the root incident only: the fallback model's
// quality incidents are listed on it, never paged on their own, before and after the restart.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServingAgent, type AgentProcess } from '../support/agent-process.ts';
import { runCli } from '../support/cli.ts';
import { createOwnDatabase } from '../support/database.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';

interface ClusterView {
  cluster_id: string;
  cluster_type: string;
  state: string;
  root_cause: { failure_id: string; category: string; subtype: string; provider: string; model: string | null };
  members: { category: string; subtype: string; provider: string; model: string | null; count: number; relation: string }[];
  edge_count: number;
}

interface WebhookBody {
  status: string;
  groupLabels: { incident_id: string };
  commonLabels: Record<string, string>;
  alerts: { annotations: Record<string, string> }[];
}

let database: Awaited<ReturnType<typeof createOwnDatabase>>;
let workDir: string;
let configPath: string;
let webhook: RecordingReceiver;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  database = await createOwnDatabase('e2e_correlation');
  workDir = mkdtempSync(join(tmpdir(), 'faultline-e2e-correlation-'));
  webhook = await startRecordingReceiver({ status: 200 });
  // The shipped configuration with one alert receiver added to the pipeline, as docs/operations.md says.
  const config = parseYaml(readFileSync(resolve('agent.yaml'), 'utf8')) as {
    exporters: Record<string, unknown>;
    service: { pipelines: { genai: { exporters: string[] } } };
  };
  config.exporters['webhook/oncall'] = { url: `${webhook.url}/hook`, delivery: { initial_backoff_ms: 50 } };
  config.service.pipelines.genai.exporters.push('webhook/oncall');
  configPath = join(workDir, 'agent.yaml');
  writeFileSync(configPath, stringifyYaml(config));
}, 60_000);

afterAll(async () => {
  for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  await webhook?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  await database?.drop();
});

async function startAgent(): Promise<{ agent: AgentProcess; otlp: string; api: string }> {
  const started = await startServingAgent(configPath, { cwd: workDir, databaseUrl: database.url });
  agents.push(started.agent);
  return started;
}

async function clusters(api: string): Promise<ClusterView[]> {
  const r = await fetch(`${api}/api/v1/failures/correlations?limit=50`);
  expect(r.status).toBe(200);
  return ((await r.json()) as { data: ClusterView[] }).data;
}

const rootOf = (c: ClusterView) => `${c.root_cause.category}/${c.root_cause.subtype} ${c.root_cause.provider} ${c.root_cause.model}`;
const firing = () => webhook.requests.map((q) => q.body as WebhookBody).filter((b) => b.status === 'firing');

describe('correlation against the shipped agent', () => {
  it('shows a fallback cascade as one cluster and pages once for it, across a restart in the middle of the cascade', async () => {
    // One timeline for both halves: it ends two minutes from now, so the first half's cluster and
    // incidents are still within their window and quiet period when the second half arrives.
    const start = new Date(Date.now() - 360_000).toISOString();
    const simulate = (part: string[], target: string) =>
      runCli(['simulate', '--scenario', 'fallback-cascade', '--start', start, ...part, '--target', target]);

    const first = await startAgent();
    const sent1 = await simulate(['--until', '240'], first.otlp);
    expect(sent1.code, sent1.stderr).toBe(0);
    // The timeouts start at 2:00: by 4:00 the cluster holds them and the fallback's hallucinations.
    const before = await first.agent.waitFor(
      'the cascade cluster through the API',
      async () => {
        const found = (await clusters(first.api)).filter((c) => c.root_cause.subtype === 'timeout');
        return found.length === 1 && found[0].members.some((m) => m.subtype === 'hallucination') ? found[0] : undefined;
      },
      120_000,
    );
    expect(rootOf(before)).toBe('provider/timeout openai gpt-4o');
    await first.agent.waitFor('the page for the root incident', () => (firing().length > 0 ? true : undefined), 60_000);

    // A restart in the middle of the cascade: the second agent restores the cluster and the open
    // incidents (with their inhibition) from PostgreSQL.
    first.agent.child.kill('SIGTERM');
    expect(await first.agent.exit).toBe(0);
    const second = await startAgent();
    const sent2 = await simulate(['--from', '240'], second.otlp);
    expect(sent2.code, sent2.stderr).toBe(0);
    const count = (c: ClusterView, subtype: string) => c.members.find((m) => m.subtype === subtype)?.count ?? 0;
    const after = await second.agent.waitFor(
      'the second half to join the cascade',
      async () => {
        const all = await clusters(second.api);
        const c = all.find((x) => x.cluster_id === before.cluster_id);
        return c && count(c, 'timeout') > count(before, 'timeout') && count(c, 'hallucination') > count(before, 'hallucination')
          ? all
          : undefined;
      },
      180_000,
    );

    // One cluster, the same id as before the restart, rooted at the primary's timeouts, the
    // fallback model's quality failures its effects.
    expect(after.map(rootOf)).toEqual(['provider/timeout openai gpt-4o']);
    const [cascade] = after;
    expect(cascade).toMatchObject({ cluster_id: before.cluster_id, cluster_type: 'cascade', state: 'active' });
    const effects = cascade.members.filter((m) => m.relation !== 'root');
    expect(effects.map((m) => `${m.category}/${m.subtype} ${m.model}`)).toContain('quality/hallucination gpt-4o-mini');
    expect(effects.every((m) => m.category === 'quality' && m.model === 'gpt-4o-mini')).toBe(true);

    // The detail walks the edges from the root failure; the static path wins over /failures/{id}.
    const detail = await fetch(`${second.api}/api/v1/failures/correlations/${cascade.cluster_id}`);
    expect(detail.status).toBe(200);
    const graph = (await detail.json()) as { cluster: ClusterView; edges: { relation: string; source_failure_id: string }[] };
    expect(graph.cluster.cluster_id).toBe(cascade.cluster_id);
    expect(graph.edges.length).toBeGreaterThan(10);
    expect(new Set(graph.edges.map((e) => e.relation))).toContain('same_trace');

    // One page for the cascade: every firing notification is the root incident's (new symptoms
    // update it), none is a symptom's own, and the last lists the fallback's quality incidents.
    const pages = firing();
    expect(new Set(pages.map((b) => b.groupLabels.incident_id)).size).toBe(1);
    expect(pages.map((b) => `${b.commonLabels.category}/${b.commonLabels.subtype}`)).toEqual(pages.map(() => 'provider/timeout'));
    const symptoms = pages.at(-1)!.alerts[0].annotations.symptoms;
    expect(symptoms).toContain('hallucination');

    // The store agrees: the quality incidents are inhibited symptoms caused by the root incident.
    const incidents = (await (await fetch(`${second.api}/api/v1/incidents?limit=50`)).json()) as {
      data: {
        incident_id: string;
        category: string;
        subtype: string;
        inhibited: boolean;
        caused_by: string | null;
        cluster_id: string | null;
      }[];
    };
    const root = incidents.data.find((i) => i.subtype === 'timeout')!;
    expect(root).toMatchObject({ inhibited: false, caused_by: null, cluster_id: cascade.cluster_id });
    expect(root.incident_id).toBe(pages[0].groupLabels.incident_id);
    const quality = incidents.data.filter((i) => i.category === 'quality');
    expect(quality.map((i) => i.subtype)).toContain('hallucination');
    for (const q of quality) expect(q).toMatchObject({ inhibited: true, caused_by: root.incident_id, cluster_id: cascade.cluster_id });

    second.agent.child.kill('SIGTERM');
    expect(await second.agent.exit).toBe(0);
  }, 420_000);
});
