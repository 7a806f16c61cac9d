// A fleet of three agents (separate processes, separate ports) on one PostgreSQL, directly and
// through PgBouncer in transaction mode: 1,000 failures of one outage spread across them make one
// incident counting all 1,000 and one page per receiver; kill -9 of the leader hands the lease over
// with no second page and the resolve still sent; terminating the leader's database connections
// neither splits the fleet nor loses or repeats a notification. Handover times are printed.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { createOwnDatabase } from '../support/database.ts';
import { startPgBouncer, type PgBouncer } from '../support/pgbouncer.ts';

interface Received {
  path: string;
  id: string;
  status: 'firing' | 'resolved';
  incidentId: string;
}

// Shorter than the defaults (5 min quiet period; a 15 s lease renewed every 5 s) so the test waits
// seconds for a resolve and a handover; the lease keeps the defaults' ratio of renewals to TTL.
const QUIET_MS = 6_000;
const LEASE_TTL_MS = 7_500;
const LEASE_RENEW_MS = 2_500;

function agentConfig(webhookBase: string): string {
  return `
receivers:
  otlp:
    protocols:
      http: { endpoint: 127.0.0.1:0 }
processors:
  normalize: {}
  trace_assembler: { wait_ms: 200 }
  detectors: {}
  # Learns and merges, never judges (no deviation events): the incident counts stay the outage's.
  baseline: { flush_interval_ms: 1000, merge_interval_ms: 1000, min_samples: 1000000, ready_samples: 1000000 }
  classifier: {}
  slo:
    objectives: [{ name: availability, sli: { kind: availability }, objective: 0.99 }]
    evaluation_interval_ms: 1000
  incidents: { quiet_period_ms: ${QUIET_MS} }
exporters:
  postgres: {}
  webhook/a: { url: ${webhookBase}/a }
  webhook/b: { url: ${webhookBase}/b }
storage:
  url: \${env:DATABASE_URL}
  lease: { ttl_ms: ${LEASE_TTL_MS}, renew_interval_ms: ${LEASE_RENEW_MS} }
api:
  endpoint: 127.0.0.1:0
service:
  telemetry:
    logs: { level: info, encoding: json }
    metrics: { enabled: false }
  pipelines:
    genai:
      receivers: [otlp]
      processors: [normalize, trace_assembler, detectors, baseline, classifier, slo, incidents]
      exporters: [postgres, webhook/a, webhook/b]
`;
}

/** `n` LiteLLM gateway spans of one provider outage (503 from OpenAI), ending now. */
function outageSpans(n: number, model: string, offset: number): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'litellm-proxy' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
  });
  const tracer = provider.getTracer('litellm');
  const now = Date.now();
  const hr = (ms: number): HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
  for (let i = 0; i < n; i++) {
    const end = now - n + i;
    const span = tracer.startSpan('litellm_request', {
      kind: SpanKind.CLIENT,
      startTime: hr(end - 120),
      attributes: {
        'gen_ai.system': 'openai',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': model,
        'metadata.user_api_key_team_id': 'team-42',
        'metadata.user_api_key_user_id': `user-${(offset + i) % 50}`,
        'error.type': 'ServiceUnavailableError',
        'error.code': '503',
        'error.message': `openai is unavailable (request ${offset + i})`,
      },
    });
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(hr(end));
  }
  return memory.getFinishedSpans();
}

async function send(endpoint: string, spans: ReadableSpan[]): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `http://${endpoint}/v1/traces` });
  for (let i = 0; i < spans.length; i += 200) {
    await new Promise<void>((resolve, reject) =>
      exporter.export(spans.slice(i, i + 200), (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))),
    );
  }
  await exporter.shutdown();
}

const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe.each([
  ['on the bundled PostgreSQL', false],
  ['through PgBouncer in transaction mode', true],
])('a fleet of three agents %s', (_name, viaPgBouncer) => {
  let database: Awaited<ReturnType<typeof createOwnDatabase>>;
  let bouncer: PgBouncer | null = null;
  let admin: pg.Client;
  let webhook: Server;
  const received: Received[] = [];
  const agents: AgentProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    database = await createOwnDatabase('fleet');
    if (viaPgBouncer) bouncer = await startPgBouncer(database.url);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const payload = JSON.parse(body) as { status: 'firing' | 'resolved'; alerts: { labels: { incident_id: string } }[] };
        received.push({
          path: req.url!,
          id: String(req.headers['x-faultline-notification-id']),
          status: payload.status,
          incidentId: payload.alerts[0].labels.incident_id,
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    const port = (webhook.address() as { port: number }).port;
    const url = bouncer?.url ?? database.url;
    for (let i = 0; i < 3; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'faultline-fleet-'));
      dirs.push(dir);
      writeFileSync(join(dir, 'agent.yaml'), agentConfig(`http://127.0.0.1:${port}`));
      agents.push(startAgentProcess(join(dir, 'agent.yaml'), { cwd: dir, env: { DATABASE_URL: url } }));
    }
  }, 600_000);

  afterAll(async () => {
    for (const a of agents) if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    await Promise.all(agents.map((a) => a.exit));
    await new Promise((r) => webhook?.close(r));
    await admin?.end();
    await bouncer?.stop();
    await database?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }, 60_000);

  const lease = async () =>
    (
      await admin.query<{ holder: string; epoch: string; live: boolean; renewed_at: Date }>(
        `SELECT holder, epoch::text, expires_at > now() AS live, renewed_at FROM leases WHERE name = 'fleet'`,
      )
    ).rows[0];
  const agentOf = (holder: string) => {
    const pid = Number(/-(\d+)-[0-9a-f]{6}$/.exec(holder)?.[1]);
    return agents.find((a) => a.child.pid === pid);
  };
  const incidentsOf = async (model: string) =>
    (
      await admin.query<{ incident_id: string; state: string; event_count: string }>(
        `SELECT incident_id, state, event_count::text FROM incidents WHERE model = $1 ORDER BY opened_at`,
        [model],
      )
    ).rows;
  /** The latest SLO evaluation's window once it counts `total` requests. */
  const sloWindow = async (window: string, total: number) => {
    const { rows } = await admin.query<{ status: { windows: { window: string; total: number; bad: number }[] } }>(
      `SELECT status FROM slo_status WHERE slo = 'availability' ORDER BY evaluated_at DESC LIMIT 1`,
    );
    const w = rows[0]?.status.windows.find((x) => x.window === window);
    return w && w.total === total ? w : undefined;
  };
  /** The model's one merged profile once it counts `samples` calls from `parts` agents' parts. */
  const baselineOf = async (model: string, samples: number, parts: number) => {
    const { rows } = await admin.query<{ samples: number; parts: number }>(
      `SELECT p.samples::int AS samples, (SELECT count(*)::int FROM baseline_profile_parts q WHERE q.model = p.model) AS parts
         FROM baseline_profiles p WHERE p.model = $1`,
      [model],
    );
    return rows.length === 1 && rows[0].samples === samples && rows[0].parts === parts ? rows[0] : undefined;
  };
  const sloEvaluators = async () =>
    (await admin.query<{ agent_instance: string }>(`SELECT agent_instance FROM slo_status ORDER BY agent_instance`)).rows.map(
      (r) => r.agent_instance,
    );
  const notifications = (incidentId: string, path: string, status: string) =>
    received.filter((r) => r.incidentId === incidentId && r.path === path && r.status === status);

  it('groups 1,000 failures spread across the agents into one incident and pages each receiver once; kill -9 of the leader hands over', async () => {
    const endpoints = await Promise.all(
      agents.map(async (a) => (await a.waitFor('the OTLP receiver', () => a.logged('OTLP receiver listening.'), 90_000)).http as string),
    );
    const first = await until('a leader', async () => ((await lease())?.live ? lease() : undefined), 30_000);

    const spans = outageSpans(1000, 'gpt-4o', 0);
    await Promise.all(
      endpoints.map((e, i) =>
        send(
          e,
          spans.filter((_, k) => k % 3 === i),
        ),
      ),
    );

    const [incident] = await until(
      'one incident counting 1,000 events',
      async () => {
        const rows = await incidentsOf('gpt-4o');
        return rows.length === 1 && rows[0].event_count === '1000' ? rows : undefined;
      },
      60_000,
    );
    expect(incident.state).toBe('open');
    const stored = await admin.query(
      `SELECT count(*)::int AS n, count(DISTINCT agent_instance)::int AS agents FROM failure_events WHERE subtype <> 'slo_burn'`,
    );
    expect(stored.rows[0]).toEqual({ n: 1000, agents: 3 });
    expect((await admin.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n).toBe(0);
    await until(
      'a page at both receivers',
      async () =>
        notifications(incident.incident_id, '/a', 'firing').length > 0 && notifications(incident.incident_id, '/b', 'firing').length > 0
          ? true
          : undefined,
      30_000,
    );

    // The SLO is evaluated once, by the leader, over every agent's requests.
    const first5m = await until('the leader to count every agent’s requests against the SLO', () => sloWindow('5m', 1000), 30_000);
    expect(first5m.bad).toBe(1000);
    expect(await sloEvaluators()).toEqual([first.holder]);

    // One baseline profile of the model for the fleet, merged by the leader from the three agents' parts.
    await until('one merged baseline profile counting all 1,000 calls', () => baselineOf('gpt-4o', 1000, 3), 30_000);

    // kill -9 of the leader: another agent takes the lease once it expires.
    const leader = agentOf(first.holder)!;
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    const survivors = endpoints.filter((_, i) => agents[i] !== leader);
    const more = outageSpans(100, 'gpt-4o', 1000);
    await Promise.all(
      survivors.map((e, i) =>
        send(
          e,
          more.filter((_, k) => k % 2 === i),
        ),
      ),
    );
    const next = await until(
      'a new leader',
      async () => {
        const l = await lease();
        return l.live && l.holder !== first.holder ? l : undefined;
      },
      30_000,
    );
    const handoverMs = Date.now() - killedAt;
    console.log(
      `[fleet ${viaPgBouncer ? 'pgbouncer' : 'direct'}] kill -9 of the leader: new leader after ${handoverMs} ms (epoch ${first.epoch} → ${next.epoch})`,
    );
    expect(handoverMs).toBeLessThan(20_000);
    expect(Number(next.epoch)).toBeGreaterThan(Number(first.epoch));

    // The new leader counts the events sent meanwhile and resolves the incident after the quiet period.
    const resolved = await until(
      'the incident resolved',
      async () => {
        const rows = await incidentsOf('gpt-4o');
        return rows.length === 1 && rows[0].state === 'resolved' ? rows[0] : undefined;
      },
      60_000,
    );
    expect(resolved.event_count).toBe('1100');
    // The new leader merges the dead leader's stored part with the survivors': every call counted once.
    await until('the new leader to merge all 1,100 calls into the baseline', () => baselineOf('gpt-4o', 1100, 3), 30_000);
    // The new leader read the dead leader's stored counts: the SLO still counts every request.
    await until('the new leader to count all 1,100 requests against the SLO', () => sloWindow('5m', 1100), 30_000);
    await until(
      'the resolve at both receivers',
      async () =>
        notifications(incident.incident_id, '/a', 'resolved').length > 0 && notifications(incident.incident_id, '/b', 'resolved').length > 0
          ? true
          : undefined,
      30_000,
    );
    for (const path of ['/a', '/b']) {
      expect(notifications(incident.incident_id, path, 'firing')).toHaveLength(1);
      expect(notifications(incident.incident_id, path, 'resolved')).toHaveLength(1);
    }
    expect((await admin.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n).toBe(0);
  }, 240_000);

  it("keeps one leader, one page and one resolve when the leader's database connections are terminated", async () => {
    const live = agents.filter((a) => a.child.exitCode === null && a.child.signalCode === null);
    const endpoints = live.map((a) => a.logged('OTLP receiver listening.')!.http as string);
    const spans = outageSpans(300, 'gpt-4o-mini', 0);
    await Promise.all(
      endpoints.map((e, i) =>
        send(
          e,
          spans.filter((_, k) => k % live.length === i),
        ),
      ),
    );
    const [incident] = await until(
      'the second incident counting 300 events',
      async () => {
        const rows = await incidentsOf('gpt-4o-mini');
        return rows.length === 1 && rows[0].event_count === '300' ? rows : undefined;
      },
      60_000,
    );
    await until(
      'a page at both receivers',
      async () =>
        notifications(incident.incident_id, '/a', 'firing').length > 0 && notifications(incident.incident_id, '/b', 'firing').length > 0
          ? true
          : undefined,
      30_000,
    );

    const before = await lease();
    // Through PgBouncer the leader's server connections are shared with the pool: end them all.
    const terminatedAt = new Date();
    const { rows: ended } = await admin.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND (application_name = $1 OR $2)`,
      [`faultline ${before.holder}`.slice(0, 63), viaPgBouncer],
    );
    expect(ended[0].n).toBeGreaterThan(0);
    const after = await until(
      'the lease renewed after the termination',
      async () => {
        const l = await lease();
        return l.live && l.renewed_at > terminatedAt ? l : undefined;
      },
      30_000,
    );
    const renewedMs = after.renewed_at.getTime() - terminatedAt.getTime();
    console.log(
      `[fleet ${viaPgBouncer ? 'pgbouncer' : 'direct'}] pg_terminate_backend of the leader's connections: lease renewed after ${renewedMs} ms ` +
        `by ${after.holder === before.holder ? 'the same leader' : 'a new leader'} (epoch ${before.epoch} → ${after.epoch})`,
    );
    const old = agentOf(before.holder)!;
    expect(
      after.holder,
      `the leader's exit: ${old.child.exitCode ?? old.child.signalCode}; last logs: ${JSON.stringify(old.logs.slice(-6))}`,
    ).toBe(before.holder);
    expect(after.epoch).toBe(before.epoch);

    const more = outageSpans(50, 'gpt-4o-mini', 300);
    await Promise.all(
      endpoints.map((e, i) =>
        send(
          e,
          more.filter((_, k) => k % live.length === i),
        ),
      ),
    );
    const resolved = await until(
      'the second incident resolved',
      async () => {
        const rows = await incidentsOf('gpt-4o-mini');
        return rows.length === 1 && rows[0].state === 'resolved' ? rows[0] : undefined;
      },
      60_000,
    );
    expect(resolved.event_count).toBe('350');
    await until(
      'the resolve at both receivers',
      async () =>
        notifications(incident.incident_id, '/a', 'resolved').length > 0 && notifications(incident.incident_id, '/b', 'resolved').length > 0
          ? true
          : undefined,
      30_000,
    );
    for (const path of ['/a', '/b']) {
      expect(notifications(incident.incident_id, path, 'firing')).toHaveLength(1);
      expect(notifications(incident.incident_id, path, 'resolved')).toHaveLength(1);
    }
    expect(new Set(received.map((r) => `${r.path} ${r.id}`)).size).toBe(received.length);
    expect((await admin.query('SELECT count(*)::int AS n FROM dead_letters')).rows[0].n).toBe(0);
  }, 180_000);
});
