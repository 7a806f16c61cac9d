// The agent started while its PostgreSQL is down (a DaemonSet pod scheduled during a database
// outage): it starts anyway, takes spans, keeps their events in the spill buffer, and once the
// database answers applies the migrations and drains everything, losing nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess, type AgentProcess } from '../support/agent-process.ts';
import { runCli } from '../support/cli.ts';
import { startStoppablePostgres, type StoppablePostgres } from '../support/stoppable-postgres.ts';

let postgres: StoppablePostgres;
let dir: string;
let agent: AgentProcess | undefined;

beforeAll(async () => {
  postgres = await startStoppablePostgres();
  await postgres.stop();
  dir = mkdtempSync(join(tmpdir(), 'faultline-e2e-pgdown-'));
});

afterAll(async () => {
  if (agent && agent.child.exitCode === null) agent.child.kill('SIGKILL');
  await postgres?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function count(sql: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: postgres.url });
  try {
    await client.connect();
    return (await client.query(sql)).rows[0].n as number;
  } catch {
    return undefined; // down, or not migrated yet
  } finally {
    await client.end().catch(() => {});
  }
}

describe('faultline run while PostgreSQL is down', () => {
  // A simulated outage streamed to a separate agent process, then a database start and a drain: heavy on a shared machine.
  it(
    'starts, buffers the events of a simulated outage, and delivers every one once the database is back',
    { timeout: 120_000 },
    async () => {
      const eventsFile = join(dir, 'events.ndjson');
      const config = join(dir, 'agent.yaml');
      writeFileSync(
        config,
        `
receivers:
  otlp: { protocols: { http: { endpoint: "127.0.0.1:0" } } }
processors:
  normalize: {}
  trace_assembler: { wait_ms: 200 }
  detectors: {}
  classifier: {}
  incidents: {}
exporters:
  postgres:
    spill: { path: "${join(dir, 'spill.sqlite')}" }
    retry: { initial_interval_ms: 200, max_interval_ms: 1000 }
  ndjson/events: { path: "${eventsFile}", lanes: [events] }
storage:
  url: "${postgres.url}"
service:
  telemetry: { logs: { level: info } }
  pipelines:
    genai: { receivers: [otlp], processors: [normalize, trace_assembler, detectors, classifier, incidents], exporters: [postgres, ndjson/events] }
`,
      );
      agent = startAgentProcess(config, { cwd: dir });

      await agent.waitFor('the agent to start without its database', () => agent!.logged('Agent started.'));
      expect(
        agent.logged(
          'PostgreSQL does not answer; starting without it. Events wait in the spill buffer; migrations run and the buffer drains once it answers.',
        ),
      ).toBeDefined();
      const otlp = agent.logged('OTLP receiver listening.')!;

      const sent = await runCli([
        'simulate',
        '--scenario',
        'provider-outage',
        '--duration',
        '150',
        '--target',
        `http://${otlp.http as string}`,
      ]);
      expect(sent.code, sent.stderr).toBe(0);
      // Every event the pipeline put out is in the NDJSON file; the same ones must reach PostgreSQL.
      const written = await agent.waitFor('events in the NDJSON file', () => {
        const lines = readFileSync(eventsFile, 'utf8')
          .split('\n')
          .filter((l) => l !== '');
        return lines.length >= 10 ? lines : undefined;
      });
      await new Promise((r) => setTimeout(r, 1_000)); // the trace assembler's last release
      const ids = new Set(
        readFileSync(eventsFile, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => (JSON.parse(l) as { failure_id: string }).failure_id),
      );
      expect(ids.size).toBeGreaterThanOrEqual(written.length);
      expect(await count('SELECT 1 AS n')).toBeUndefined(); // still down: all of it is in the buffer

      await postgres.start();
      await agent.waitFor('every event in PostgreSQL', async () =>
        (await count('SELECT count(DISTINCT failure_id)::int AS n FROM failure_events')) === ids.size ? true : undefined,
      );
      expect(await count('SELECT count(*)::int AS n FROM failure_events')).toBe(ids.size);
      // The lease holder (this agent, once the leases table exists) groups the stored events within a poll.
      await agent.waitFor('the outage incident in PostgreSQL', async () =>
        ((await count("SELECT count(*)::int AS n FROM incidents WHERE category = 'provider' AND subtype = 'outage'")) ?? 0) >= 1
          ? true
          : undefined,
      );
      expect(await count('SELECT count(*)::int AS n FROM dead_letters')).toBe(0);
      expect(agent.logged('PostgreSQL answers now; schema ready.')).toBeDefined();

      agent.child.kill('SIGTERM');
      expect(await agent.exit).toBe(0);
    },
  );
});
