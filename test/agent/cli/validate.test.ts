import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'faultline-validate-')), 'agent.yaml');
  writeFileSync(file, text);
  return file;
}

describe('faultline validate', () => {
  it('accepts the shipped agent.yaml', async () => {
    const r = await runCli(['validate', '--config', 'agent.yaml']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('agent.yaml: valid (1 pipeline, 16 components)\n');
    expect(r.code).toBe(0);
  });

  it('prints every problem with its path and exits 1', async () => {
    const file = configFile(`
receivers:
  otlp:
    protocols:
      http: { endpoint: "localhost" }
processors:
  trace_assembler: { wait_ms: "30s" }
exporters:
  ndjson: { pth: out.ndjson }
service:
  pipelines:
    main: { receivers: [otlp], processors: [trace_assembler, correlator], exporters: [ndjson] }
`);
    const r = await runCli(['validate', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('4 configuration problems');
    expect(r.stderr).toContain('receivers.otlp.protocols.http.endpoint: expected "host:port"');
    expect(r.stderr).toContain('processors.trace_assembler.wait_ms: expected a positive integer (milliseconds), got "30s"');
    expect(r.stderr).toContain('exporters.ndjson.pth: unknown key');
    expect(r.stderr).toContain(
      'service.pipelines.main.processors[1]: references processor "correlator", which is not defined under processors',
    );
  });

  it('rejects a postgres exporter and the API without storage, saying what to add', async () => {
    const file = configFile(`
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:4318" } } } }
processors: { normalize: {} }
exporters: { postgres: {}, ndjson: {} }
api: { enabled: true }
service:
  pipelines: { main: { receivers: [otlp], processors: [normalize], exporters: [postgres, ndjson] } }
`);
    const r = await runCli(['validate', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('2 configuration problems');
    expect(r.stderr).toContain(
      'exporters.postgres: the postgres exporter needs a database: add a `storage:` section (storage: {} starts the bundled PostgreSQL',
    );
    expect(r.stderr).toContain('api.enabled: the API reads failure events from the database; add a `storage:` section');
    // The same file runs once it says where the data lives.
    writeFileSync(file, `${readFileSync(file, 'utf8')}storage: { url: "postgres://db.example:5432/faultline" }\n`);
    const fixed = await runCli(['validate', '--config', file]);
    expect(fixed.stderr).toBe('');
    expect(fixed.code).toBe(0);
  });

  it('only warns about a postgres exporter without storage that no pipeline uses', async () => {
    const file = configFile(`
receivers: { otlp: { protocols: { http: { endpoint: "127.0.0.1:4318" } } } }
exporters: { postgres: {}, ndjson: {} }
service:
  pipelines: { main: { receivers: [otlp], exporters: [ndjson] } }
`);
    const r = await runCli(['validate', '--config', file]);
    expect(r.stderr).toBe('warning: exporters.postgres is defined but not used by any pipeline\n');
    expect(r.code).toBe(0);
  });

  it('says plainly when the file does not exist', async () => {
    const r = await runCli(['validate', '--config', '/no/such/agent.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      '/no/such/agent.yaml: 1 configuration problem:\n  cannot read the configuration (file not found); pass --config FILE',
    );
  });
});
