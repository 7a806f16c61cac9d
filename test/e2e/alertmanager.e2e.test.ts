// The alertmanager exporter against a real Alertmanager (Debian's prometheus-alertmanager, installed
// here when missing) on loopback: incidents go in through POST /api/v2/alerts, come back from GET
// /api/v2/alerts with the expected labels, and their resolve reaches Alertmanager's own webhook
// receiver as "resolved".
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { IncidentUpdate } from '../../agent/core/model/incident.ts';
import alertmanager from '../../exporters/alertmanager/index.ts';
import { ensureBinary } from '../support/ensure-binary.ts';
import { startExporter, type ExporterHarness } from '../support/exporter-harness.ts';
import { failureEvent } from '../support/failure-event-builder.ts';
import { startIncidents } from '../support/incidents-harness.ts';
import { startRecordingReceiver, type RecordingReceiver } from '../support/recording-receiver.ts';
import { pickFreePort } from '../../agent/store/tcp-port.ts';

interface ApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: string };
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('alertmanager exporter with a real Alertmanager', () => {
  let am: ChildProcess | undefined;
  let amUrl = '';
  let amLog = '';
  let hook: RecordingReceiver;
  let h: ExporterHarness;

  beforeAll(async () => {
    const binary = ensureBinary('prometheus-alertmanager', 'prometheus-alertmanager');
    hook = await startRecordingReceiver({ status: 200 });
    const dir = mkdtempSync(join(tmpdir(), 'faultline-am-'));
    const config = join(dir, 'alertmanager.yml');
    writeFileSync(
      config,
      [
        'route:',
        '  receiver: hook',
        '  group_by: [incident_id]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: hook',
        '    webhook_configs:',
        `      - url: ${hook.url}/am`,
        '        send_resolved: true',
        '',
      ].join('\n'),
    );
    const port = await pickFreePort();
    amUrl = `http://127.0.0.1:${port}`;
    am = spawn(
      binary,
      [
        `--config.file=${config}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    am.stderr!.on('data', (c: Buffer) => (amLog += c.toString()));
    await poll('Alertmanager to be ready', async () => ((await fetch(`${amUrl}/-/ready`)).ok ? true : undefined)).catch((err) => {
      throw new Error(`${(err as Error).message}\nAlertmanager said:\n${amLog}`);
    });
    h = await startExporter(
      alertmanager,
      { endpoints: [amUrl], resend_interval_ms: 60_000, external_url: 'http://127.0.0.1:8080' },
      { startMs: Date.now() },
    );
  }, 900_000);

  afterAll(async () => {
    await h?.exporter.shutdown?.();
    am?.kill('SIGTERM');
    await hook?.close();
  });

  it('posts an incident that Alertmanager then lists with stable labels, and resolves it', async () => {
    // A real incident from the processor: events a few seconds ago, resolved after a 1 s quiet period.
    const start = Date.now() - 10_000;
    const inc = await startIncidents(
      { quiet_period_ms: 1_000, check_interval_ms: 500, runbook_base_url: 'https://runbooks.example.com' },
      { startMs: start },
    );
    await inc.feed([
      failureEvent(1, { timestamp: new Date(start).toISOString() }),
      failureEvent(2, { timestamp: new Date(start + 100).toISOString() }),
    ]);
    const [opened] = inc.updates;
    const id = opened.incident.incident_id;

    await h.exporter.export(createBatch({ incidents: [opened] }));
    const listed = await poll('the alert in GET /api/v2/alerts', async () => {
      const alerts = (await (await fetch(`${amUrl}/api/v2/alerts`)).json()) as ApiAlert[];
      return alerts.find((a) => a.labels.incident_id === id);
    });
    expect(listed.labels).toEqual({
      alertname: 'GenAIProviderOutage',
      severity: 'error',
      priority: 'P2',
      category: 'provider',
      subtype: 'outage',
      provider: 'openai',
      model: 'gpt-4o',
      incident_id: id,
    });
    expect(listed.annotations).toMatchObject({
      summary: opened.incident.title,
      runbook_url: 'https://runbooks.example.com/failover',
      impact: '2 events, 2 requests, 1 users, 1 teams',
    });
    expect(listed.status.state).toBe('active');
    expect(Date.parse(listed.endsAt)).toBeGreaterThan(Date.now() + 60_000);
    const firing = await poll('the firing notification from Alertmanager', async () =>
      hook.requests.find((r) => (r.body as { status: string }).status === 'firing'),
    );
    expect((firing.body as { alerts: { labels: Record<string, string> }[] }).alerts[0].labels.incident_id).toBe(id);

    const resolved: IncidentUpdate[] = await inc.advanceTo(start + 5_000);
    expect(resolved.map((u) => u.transition.kind)).toEqual(['resolved']);
    await h.exporter.export(createBatch({ incidents: resolved }));
    await poll('the alert to leave the active list', async () => {
      const alerts = (await (await fetch(`${amUrl}/api/v2/alerts?active=true`)).json()) as ApiAlert[];
      return alerts.some((a) => a.labels.incident_id === id) ? undefined : true;
    });
    const note = await poll('the resolved notification from Alertmanager', async () =>
      hook.requests.find((r) => (r.body as { status: string }).status === 'resolved'),
    );
    expect((note.body as { alerts: { status: string; labels: Record<string, string> }[] }).alerts).toEqual([
      expect.objectContaining({ status: 'resolved', labels: listed.labels }),
    ]);
  });
});
